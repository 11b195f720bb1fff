import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { AttemptTimeoutError, CancelledError } from '../../execute/attempt.js';
import type { InstanceRecord } from '../../store/index.js';
import { WorkspaceLayout } from '../../store/workspace-layout.js';
import type { AttemptPlan, AttemptRequest, InstanceExecutor } from '../instance-executor.js';
import { JobRecords } from '../job-records.js';
import { readAttemptResult } from './attempt-files.js';
import { replayJobLine } from './job-events.js';
import { JobWatcher } from './job-watcher.js';
import type { JobState } from './job-watcher.js';
import { OutputTail } from './output-tail.js';
import { allocationGroupOf } from './sbatch-args.js';
import type { SlurmSettings } from './sbatch-args.js';
import { slurmCommand } from './slurm-commands.js';
import { adoptRecordedJob, submitArray, submitJob } from './start-job.js';
import type { StartedJob, Submission } from './start-job.js';
import { Batcher } from './batcher.js';
import type { BatchWindow } from './batcher.js';

export interface SlurmExecutorOptions extends SlurmSettings {
  /** The argv that runs one attempt on a node, completed by the attempt file: `[node, …/main.js, 'exec-instance']`. */
  readonly entry: readonly string[];
  /** How often squeue is asked (default 1 s). */
  readonly pollMs?: number;
  /** `auto`: attempts of one step that are ready together with the same allocation go as one array job; `off`: one job each. */
  readonly array: 'auto' | 'off';
}

/**
 * Attempts that reach the executor within this window of each other (a matrix step's instances becoming
 * ready at once take a few milliseconds each to lock and mark) share an array job. A lone attempt waits
 * the quiet time more before its sbatch, a fraction of what one sbatch costs.
 */
const ARRAY_WINDOW: BatchWindow = { quietMs: 150, maxWaitMs: 1000, maxSize: 1000 };

/** How long a cancelled job may take to leave squeue's running states before the run stops waiting. */
const CANCEL_WAIT_MS = 30_000;

type FollowRequest = Omit<AttemptRequest, 'definition' | 'objects'>;

/**
 * Waits for the attempt's job to end and returns what it computed. A requeued job (node failure,
 * preemption, `scontrol requeue`) is the same attempt running again: waited for, not counted as a retry.
 */
async function followJob(watcher: JobWatcher, job: StartedJob, request: FollowRequest): Promise<InstanceRecord> {
  const { signal, sinks, onPlacement, timeoutMs } = request;
  const tail = new OutputTail(job.files.output, (line) => replayJobLine(line, sinks));
  let last = '';
  let restarts: number | undefined;
  const onState = (state: JobState): void => {
    const detail = state.state === 'RUNNING' && state.nodes ? `on ${state.nodes}` : state.reason;
    if (`${state.state} ${detail}` !== last) {
      last = `${state.state} ${detail}`;
      onPlacement({ executor: 'slurm', id: job.id, state: state.state, detail });
    }
    if (restarts !== undefined && state.restarts > restarts) {
      sinks.log('warn', `slurm job ${job.id} was requeued (restart ${state.restarts}: node failure, preemption or scontrol requeue); it runs again as the same attempt, from empty scratch`);
    }
    if (state.state !== 'VANISHED') restarts = state.restarts;
    void tail.poll().catch(() => undefined);
  };
  onPlacement({ executor: 'slurm', id: job.id, state: job.adoptedFrom === undefined ? 'SUBMITTED' : 'ADOPTED', detail: undefined });
  let onAbort = (): void => undefined;
  const cancelled = new Promise<'cancelled'>((resolve) => {
    onAbort = () => resolve('cancelled');
    // Cancelled while its sbatch ran: the abort event has passed already.
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  const ended = watcher.wait(job.id, onState);
  const first = await Promise.race([ended, cancelled]).finally(() => signal.removeEventListener('abort', onAbort));
  if (first === 'cancelled') {
    // Ctrl-C or fail-fast: the job must not outlive the run. Wait until Slurm says it ended, so nothing of
    // this run is left in squeue when `veriflow run` exits.
    await slurmCommand(['scancel', job.id]).catch((error: Error) => sinks.log('warn', `scancel ${job.id} failed: ${error.message}`));
    // The timer is cleared once the job ended, or it would keep `veriflow run` alive for CANCEL_WAIT_MS.
    const patience = new AbortController();
    const gone = await Promise.race([ended.then(() => true), delay(CANCEL_WAIT_MS, false, { signal: patience.signal }).catch(() => true)]);
    patience.abort();
    if (!gone) {
      // Left to Slurm: polling on would keep `veriflow run` alive until the job ends by itself.
      watcher.forget(job.id);
      sinks.log('warn', `slurm job ${job.id} had not ended ${CANCEL_WAIT_MS / 1000}s after scancel; see squeue --jobs=${job.id}`);
    }
    await tail.poll(true).catch(() => undefined);
    throw new CancelledError();
  }
  await tail.poll(true);
  const written = await readAttemptResult(job.files.result);
  // A result from before the last requeue is the killed run's, not how the job ended (a requeued job that
  // Slurm could not start again writes none). Unknown restarts (a job first seen gone) accept any result.
  const result = written && restarts !== undefined && (written.restarts ?? 0) < restarts ? undefined : written;
  if (result?.ok) return result.record;
  if (result?.cancelled && signal.aborted) throw new CancelledError();
  if (result?.timedOutMs !== undefined) throw new AttemptTimeoutError(result.timedOutMs, result.stepError === undefined ? undefined : new Error(result.stepError));
  if (result) throw new Error(result.message);
  // Killed before it could say how it ended: by Slurm's time limit, a node failure, preemption or someone's scancel.
  if (first.state === 'TIMEOUT' && timeoutMs !== undefined) throw new AttemptTimeoutError(timeoutMs);
  throw new Error(`slurm job ${job.id} ended ${first.state}${first.reason ? ` (${first.reason})` : ''} without a result; what it printed is in the instance log`);
}

function jobRecordsOf(plan: AttemptPlan): JobRecords {
  return new JobRecords(new WorkspaceLayout(plan.workspaceDir).jobs);
}

/**
 * Runs each attempt as one `sbatch` job (or one task of an array job shared with attempts of the same step
 * that are ready at the same time) on the cluster, against the same workspace on a shared file system.
 * Jobs are submitted as instances become ready (not as an `afterok` chain up front): an instance's cache key
 * depends on its upstream outputs, so whether it runs at all is only known once they exist, and a cache hit
 * must never cost a queued job. A job recorded for the key by a run that was killed is adopted instead.
 */
export function slurmExecutor(options: SlurmExecutorOptions): InstanceExecutor {
  const watcher = new JobWatcher(options.pollMs ?? 1000);
  const submitAlone = (submission: Submission): Promise<StartedJob> => submitJob(jobRecordsOf(submission.plan), submission, options, options.entry);
  const arrays = new Batcher<Submission, StartedJob>(
    ARRAY_WINDOW,
    (submission) => allocationGroupOf(submission.plan),
    async (batch) => (batch.length === 1 ? [submitAlone(batch[0]!)] : submitArray(jobRecordsOf(batch[0]!.plan), batch, options, options.entry)),
  );
  const submit = options.array === 'off' ? submitAlone : (submission: Submission) => arrays.add(submission);
  const runAttempt = async (request: AttemptRequest): Promise<InstanceRecord> => {
    // The live handles stay here; the rest is the plain data the job reads.
    const { definition: _definition, objects: _objects, signal, sinks, onPlacement, ...plan } = request;
    if (signal.aborted) throw new CancelledError();
    const jobs = jobRecordsOf(plan);
    const job = (await adoptRecordedJob(jobs, plan, sinks)) ?? (await submit({ plan, sinks }));
    try {
      return await followJob(watcher, job, { ...plan, signal, sinks, onPlacement });
    } finally {
      // Its outcome is taken: no later run may adopt the job again, and the adopted attempt's scratch (in
      // the killed run's staging) has no owner left to remove it.
      await jobs.remove(plan.resolved.key, (recorded) => recorded.jobId === job.id).catch((error: Error) => sinks.log('warn', `could not remove the record of slurm job ${job.id}: ${error.message}`));
      if (job.adoptedFrom !== undefined) await rm(dirname(dirname(job.files.plan)), { recursive: true, force: true }).catch(() => undefined);
      await job.release().catch(() => undefined);
    }
  };
  return { kind: 'slurm', limitsLocalResources: false, runAttempt };
}
