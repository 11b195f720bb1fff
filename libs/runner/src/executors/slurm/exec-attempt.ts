import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyStepDefinition, GpuDevice, StepRegistry } from '@veriflow/step-api';
import { AttemptTimeoutError, CancelledError } from '../../execute/attempt.js';
import { Workspace } from '../../execute/workspace.js';
import { JobRecords } from '../job-records.js';
import { runLocalAttempt } from '../local-executor.js';
import { attemptFiles, readAttemptPlan, writeAttemptResult } from './attempt-files.js';
import type { AttemptResult } from './attempt-files.js';
import { printingSinks } from './job-events.js';

/** The step kind from the registry, or from the plugin module the submitting run named. */
async function definitionOf(kind: string, module: string | undefined, registry: StepRegistry): Promise<AnyStepDefinition> {
  const known = registry.get(kind);
  if (known) return known;
  if (module === undefined) throw new Error(`step kind ${kind} is not built in and its plugin exports no \`steps\`; export the kinds as \`export const steps = [...]\` so a cluster node can load them`);
  const loaded = (await import(module.startsWith('file:') ? module : pathToFileURL(module).href)) as { steps?: AnyStepDefinition[] };
  const found = loaded.steps?.find((step) => step.name === kind);
  if (!found) throw new Error(`plugin ${module} no longer exports step kind ${kind}`);
  return found;
}

/** What Slurm tells the job about its allocation: the GPUs it granted and the job's own SLURM_* variables. */
const GRANTED = /^(SLURM_\w+|CUDA_VISIBLE_DEVICES|GPU_DEVICE_ORDINAL|ROCR_VISIBLE_DEVICES)$/;

/**
 * The step's environment: the submitting run's (as on the local executor, so both resolve `env.*` alike),
 * with this job's allocation on top, so a GPU step uses the devices Slurm granted it and no other.
 */
function jobEnvironment(planned: Readonly<Record<string, string>>): Record<string, string> {
  const granted = Object.entries(process.env).filter((entry): entry is [string, string] => GRANTED.test(entry[0]) && entry[1] !== undefined);
  return { ...Object.fromEntries(Object.entries(planned).filter(([name]) => !GRANTED.test(name))), ...Object.fromEntries(granted) };
}

/** The devices Slurm granted the job, as it numbers them in CUDA_VISIBLE_DEVICES (the step context's `gpus`). */
function grantedGpus(visible: string | undefined): GpuDevice[] {
  if (!visible) return [];
  return visible
    .split(',')
    .map((entry) => Number(entry.trim()))
    .filter((index) => Number.isInteger(index) && index >= 0)
    .map((index) => ({ index, name: `GPU ${index} (granted by Slurm)` }));
}

/**
 * The job side of the Slurm executor (`veriflow exec-instance <attempt.json>`): runs the attempt the
 * submitting run described, against the shared workspace, and writes how it ended next to it. SIGTERM
 * (scancel, Slurm's time limit, preemption) stops the step as Ctrl-C would. Returns the exit code.
 */
export async function execAttemptFile(planPath: string, registry: StepRegistry): Promise<number> {
  const plan = await readAttemptPlan(planPath);
  const files = attemptFiles(plan.attemptDir);
  const controller = new AbortController();
  const onTerm = (): void => controller.abort(new CancelledError());
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onTerm);
  let result: AttemptResult;
  try {
    // A requeued job runs again in the same attempt directory: start from empty scratch, as a fresh attempt does.
    await Promise.all(['work', 'outputs'].map((dir) => rm(join(plan.attemptDir, dir), { recursive: true, force: true })));
    const definition = await definitionOf(plan.kind, plan.module, registry);
    const workspace = new Workspace(plan.workspaceDir);
    const sinks = printingSinks((text) => process.stdout.write(text));
    const resolved = { ...plan.resolved, env: jobEnvironment(plan.resolved.env) };
    const record = await runLocalAttempt({ ...plan, gpus: grantedGpus(process.env.CUDA_VISIBLE_DEVICES), resolved, definition, objects: workspace.objects, signal: controller.signal, sinks, onPlacement: () => undefined });
    // The job records its result in the cache itself: when the run that submitted it was killed meanwhile,
    // the next run finds a cache hit instead of computing it again. (A live submitter writes the same record.)
    await workspace.records.write(record);
    // Matched by attempt, not job id: the record may still be the one written before sbatch returned.
    await new JobRecords(workspace.layout.jobs).remove(plan.resolved.key, (recorded) => recorded.attemptDir === plan.attemptDir);
    result = { ok: true, record };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof AttemptTimeoutError) result = { ok: false, message, timedOutMs: error.timeoutMs, ...(error.cause instanceof Error ? { stepError: error.cause.message } : {}) };
    else result = { ok: false, message, ...(error instanceof CancelledError ? { cancelled: true } : {}) };
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onTerm);
  }
  await writeAttemptResult(files.result, { ...result, restarts: Number(process.env.SLURM_RESTART_COUNT ?? 0) || 0 });
  return result.ok ? 0 : 1;
}
