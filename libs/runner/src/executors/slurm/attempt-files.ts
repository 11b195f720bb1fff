import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '@veriflow/durable-fs';
import type { InstanceRecord } from '../../store/index.js';
import type { AttemptPlan } from '../instance-executor.js';

/** Files of one attempt in its (shared) attempt directory: what to run, what the job printed, how it ended. */
export function attemptFiles(attemptDir: string): { plan: string; script: string; output: string; result: string } {
  return { plan: join(attemptDir, 'attempt.json'), script: join(attemptDir, 'job.sh'), output: join(attemptDir, 'slurm.out'), result: join(attemptDir, 'result.json') };
}

const PLAN_FORMAT = 'veriflow-attempt/1';
const RESULT_FORMAT = 'veriflow-attempt-result/1';

/**
 * How an attempt ended, as the job writes it for the submitting run. `restarts` is Slurm's restart count
 * of the run that wrote it: a requeued job's first run leaves a result that its second must not be read as.
 */
export type AttemptResult = { readonly restarts?: number } & (
  | { readonly ok: true; readonly record: InstanceRecord }
  | { readonly ok: false; readonly message: string; readonly timedOutMs?: number; readonly stepError?: string; readonly cancelled?: boolean }
);

/** Readable by its owner only: the plan holds the step's environment, which may carry credentials. */
export async function writeAttemptPlan(path: string, plan: AttemptPlan): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify({ format: PLAN_FORMAT, plan })}\n`, { mode: 0o600 });
}

export async function readAttemptPlan(path: string): Promise<AttemptPlan> {
  const document = JSON.parse(await readFile(path, 'utf8')) as { format?: string; plan?: AttemptPlan };
  if (document.format !== PLAN_FORMAT || !document.plan) throw new Error(`${path} is not a veriflow attempt (format ${String(document.format)}, expected ${PLAN_FORMAT}); was it written by another veriflow version?`);
  return document.plan;
}

export async function writeAttemptResult(path: string, result: AttemptResult): Promise<void> {
  await writeJsonAtomic(path, { format: RESULT_FORMAT, ...result });
}

/** The job's result, or undefined when it wrote none (killed before it could: timeout, node failure, scancel). */
export async function readAttemptResult(path: string): Promise<AttemptResult | undefined> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  const { format, ...result } = JSON.parse(text) as AttemptResult & { format?: string };
  if (format !== RESULT_FORMAT) throw new Error(`${path} has format ${String(format)}, expected ${RESULT_FORMAT}`);
  return result;
}
