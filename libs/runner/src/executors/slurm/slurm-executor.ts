import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { AttemptTimeoutError, CancelledError } from '../../execute/attempt.js';
import type { InstanceRecord } from '../../store/index.js';
import type { AttemptRequest, InstanceExecutor } from '../instance-executor.js';
import { attemptFiles, readAttemptResult, writeAttemptPlan } from './attempt-files.js';
import { replayJobLine } from './job-events.js';
import { JobWatcher } from './job-watcher.js';
import type { JobState } from './job-watcher.js';
import { OutputTail } from './output-tail.js';
import { sbatchArgs } from './sbatch-args.js';
import type { SlurmSettings } from './sbatch-args.js';
import { slurmCommand } from './slurm-commands.js';

export interface SlurmExecutorOptions extends SlurmSettings {
  /** The argv that runs one attempt on a node, completed by the attempt file: `[node, …/main.js, 'exec-instance']`. */
  readonly entry: readonly string[];
  /** How often squeue is asked (default 1 s). */
  readonly pollMs?: number;
}

/** How long a cancelled job may take to leave squeue's running states before the run stops waiting. */
const CANCEL_WAIT_MS = 30_000;

/** A single-quoted word for the job script (paths may hold spaces). */
function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs each attempt as one `sbatch` job on the cluster, against the same workspace on a shared file system.
 * Jobs are submitted as instances become ready (not as an `afterok` chain up front): an instance's cache key
 * depends on its upstream outputs, so whether it runs at all is only known once they exist, and a cache hit
 * must never cost a queued job.
 */
export function slurmExecutor(options: SlurmExecutorOptions): InstanceExecutor {
  const watcher = new JobWatcher(options.pollMs ?? 1000);
  const runAttempt = async (request: AttemptRequest): Promise<InstanceRecord> => {
    // The live handles stay here; the rest is the plain data the job reads.
    const { definition: _definition, objects: _objects, signal, sinks, onPlacement, ...plan } = request;
    if (signal.aborted) throw new CancelledError();
    const files = attemptFiles(plan.attemptDir);
    await mkdir(plan.attemptDir, { recursive: true });
    await writeAttemptPlan(files.plan, plan);
    await writeFile(files.script, `#!/bin/sh\nexec ${[...options.entry, files.plan].map(shellWord).join(' ')}\n`);
    await chmod(files.script, 0o755);
    const argv = sbatchArgs(plan, options, files);
    const jobId = (await slurmCommand(argv)).trim().split(';')[0]!;
    sinks.log('info', `slurm job ${jobId} submitted: ${argv.slice(1, -1).join(' ')}`);

    const tail = new OutputTail(files.output, (line) => replayJobLine(line, sinks));
    let last = '';
    const onState = (state: JobState): void => {
      const detail = state.state === 'RUNNING' && state.nodes ? `on ${state.nodes}` : state.reason;
      if (`${state.state} ${detail}` !== last) {
        last = `${state.state} ${detail}`;
        onPlacement({ executor: 'slurm', id: jobId, state: state.state, detail });
      }
      void tail.poll().catch(() => undefined);
    };
    onPlacement({ executor: 'slurm', id: jobId, state: 'SUBMITTED', detail: undefined });
    let onAbort = (): void => undefined;
    const cancelled = new Promise<'cancelled'>((resolve) => {
      onAbort = () => resolve('cancelled');
      signal.addEventListener('abort', onAbort, { once: true });
    });
    const ended = watcher.wait(jobId, onState);
    const first = await Promise.race([ended, cancelled]).finally(() => signal.removeEventListener('abort', onAbort));
    if (first === 'cancelled') {
      // Ctrl-C or fail-fast: the job must not outlive the run. Wait until Slurm says it ended, so nothing of
      // this run is left in squeue when `veriflow run` exits.
      await slurmCommand(['scancel', jobId]).catch((error: Error) => sinks.log('warn', `scancel ${jobId} failed: ${error.message}`));
      // The timer is cleared once the job ended, or it would keep `veriflow run` alive for CANCEL_WAIT_MS.
      const patience = new AbortController();
      const gone = await Promise.race([ended.then(() => true), delay(CANCEL_WAIT_MS, false, { signal: patience.signal }).catch(() => true)]);
      patience.abort();
      if (!gone) {
        // Left to Slurm: polling on would keep `veriflow run` alive until the job ends by itself.
        watcher.forget(jobId);
        sinks.log('warn', `slurm job ${jobId} had not ended ${CANCEL_WAIT_MS / 1000}s after scancel; see squeue --jobs=${jobId}`);
      }
      await tail.poll(true).catch(() => undefined);
      throw new CancelledError();
    }
    await tail.poll(true);
    const result = await readAttemptResult(files.result);
    if (result?.ok) return result.record;
    if (result?.cancelled && signal.aborted) throw new CancelledError();
    if (result?.timedOutMs !== undefined) throw new AttemptTimeoutError(result.timedOutMs, result.stepError === undefined ? undefined : new Error(result.stepError));
    if (result) throw new Error(result.message);
    // Killed before it could say how it ended: by Slurm's time limit, a node failure, preemption or someone's scancel.
    if (first.state === 'TIMEOUT' && plan.timeoutMs !== undefined) throw new AttemptTimeoutError(plan.timeoutMs);
    throw new Error(`slurm job ${jobId} ended ${first.state}${first.reason ? ` (${first.reason})` : ''} without a result; what it printed is in the instance log`);
  };
  return { kind: 'slurm', limitsLocalResources: false, runAttempt };
}
