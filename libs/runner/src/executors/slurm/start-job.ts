import { chmod, mkdir, writeFile } from 'node:fs/promises';
import type { ContextSinks } from '../../execute/step-context.js';
import type { AttemptPlan } from '../instance-executor.js';
import type { JobRecord, JobRecords } from '../job-records.js';
import { attemptFiles, writeAttemptPlan } from './attempt-files.js';
import { sbatchArgs } from './sbatch-args.js';
import type { SlurmSettings } from './sbatch-args.js';
import { slurmCommand } from './slurm-commands.js';

/** The job an attempt waits for: one it submitted, or one a killed run submitted and it adopted. */
export interface StartedJob {
  readonly id: string;
  readonly files: ReturnType<typeof attemptFiles>;
  /** The run that submitted it, when this attempt adopted it. */
  readonly adoptedFrom: string | undefined;
}

/** A single-quoted word for the job script (paths may hold spaces). */
function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Writes the attempt's files, submits its job and records the job at once, so a kill of this process loses nothing. */
export async function submitJob(jobs: JobRecords, plan: AttemptPlan, settings: SlurmSettings, entry: readonly string[], sinks: ContextSinks): Promise<StartedJob> {
  const files = attemptFiles(plan.attemptDir);
  await mkdir(plan.attemptDir, { recursive: true });
  await writeAttemptPlan(files.plan, plan);
  await writeFile(files.script, `#!/bin/sh\nexec ${[...entry, files.plan].map(shellWord).join(' ')}\n`);
  await chmod(files.script, 0o755);
  const argv = sbatchArgs(plan, settings, files);
  const id = (await slurmCommand(argv)).trim().split(';')[0]!;
  const record: JobRecord = {
    executor: 'slurm',
    jobId: id,
    key: plan.resolved.key,
    instance: plan.identity.name,
    runId: plan.runId,
    submittedBy: plan.runId,
    attempt: plan.attempt,
    attemptDir: plan.attemptDir,
    submittedAt: new Date().toISOString(),
  };
  try {
    await jobs.write(record);
  } catch (error) {
    // A job nobody could find again would run on beside this attempt's retry.
    await slurmCommand(['scancel', id]).catch(() => undefined);
    throw error;
  }
  sinks.log('info', `slurm job ${id} submitted: ${argv.slice(1, -1).join(' ')}`);
  return { id, files, adoptedFrom: undefined };
}

/**
 * The job a killed run left computing this key, now this run's to wait for (whatever state it is in: a
 * finished one's result is read from its attempt directory, a failed one counts as this attempt's failure).
 * The caller holds the key's instance lock, so no live run waits for a recorded job.
 */
export async function adoptRecordedJob(jobs: JobRecords, plan: AttemptPlan, sinks: ContextSinks): Promise<StartedJob | undefined> {
  const recorded = await jobs.read(plan.resolved.key);
  if (!recorded || recorded.executor !== 'slurm') return undefined;
  await jobs.write({ ...recorded, runId: plan.runId });
  sinks.log('info', `adopting slurm job ${recorded.jobId} (attempt ${recorded.attempt} of run ${recorded.submittedBy}, which ended without its outcome) instead of submitting another`);
  return { id: recorded.jobId, files: attemptFiles(recorded.attemptDir), adoptedFrom: recorded.submittedBy };
}
