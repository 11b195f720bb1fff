import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ContextSinks } from '../../execute/step-context.js';
import type { AttemptPlan } from '../instance-executor.js';
import type { JobRecords, SubmittingRecord } from '../job-records.js';
import { attemptFiles, writeAttemptPlan } from './attempt-files.js';
import { resolveSubmissions } from './find-submission.js';
import { arraySbatchArgs, newSubmission, sbatchArgs, submissionTag } from './sbatch-args.js';
import type { SlurmSettings } from './sbatch-args.js';
import { slurmCommand } from './slurm-commands.js';

/** The job an attempt waits for: one it submitted (alone or as an array task), or one a killed run submitted and it adopted. */
export interface StartedJob {
  /** `4242`, or `4242_7` for task 7 of array job 4242. */
  readonly id: string;
  readonly files: ReturnType<typeof attemptFiles>;
  /** The run that submitted it, when this attempt adopted it. */
  readonly adoptedFrom: string | undefined;
  /** Called once the attempt has taken the job's outcome: frees what the job shared with others (an array's script). */
  readonly release: () => Promise<void>;
}

/** An attempt to submit, with the sinks of its instance (which hear its job's id). */
export interface Submission {
  readonly plan: AttemptPlan;
  readonly sinks: ContextSinks;
}

const nothingToRelease = (): Promise<void> => Promise.resolve();

/** A single-quoted word for the job script (paths may hold spaces). */
function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Writes what the job reads on the node (the plan), in the attempt's own directory. */
async function writePlan(plan: AttemptPlan): Promise<ReturnType<typeof attemptFiles>> {
  const files = attemptFiles(plan.attemptDir);
  await mkdir(plan.attemptDir, { recursive: true });
  await writeAttemptPlan(files.plan, plan);
  return files;
}

async function writeScript(path: string, text: string): Promise<void> {
  await writeFile(path, text);
  await chmod(path, 0o755);
}

/** What is recorded for an attempt before its sbatch runs: no job id yet, the token its job's comment will carry. */
function submittingRecordOf(plan: AttemptPlan, submission: string, task: number | undefined): SubmittingRecord {
  return {
    executor: 'slurm',
    submission,
    ...(task === undefined ? {} : { task }),
    key: plan.resolved.key,
    instance: plan.identity.name,
    runId: plan.runId,
    submittedBy: plan.runId,
    attempt: plan.attempt,
    attemptDir: plan.attemptDir,
    submittedAt: new Date().toISOString(),
  };
}

/**
 * Runs sbatch between two records of the attempt: before it, one that says a job may exist (a kill while
 * sbatch runs leaves a job the next run finds in squeue by `submission`), after it, the job. Resolves with
 * the job id (of the array, for an array); a failed sbatch removes the first records again.
 */
async function submitRecorded(jobs: JobRecords, submitting: readonly SubmittingRecord[], argv: readonly string[]): Promise<string> {
  await Promise.all(submitting.map((record) => jobs.write(record)));
  try {
    return (await slurmCommand(argv)).trim().split(';')[0]!;
  } catch (error) {
    await Promise.all(submitting.map((record) => jobs.remove(record.key, (stored) => stored.submission === record.submission))).catch(() => undefined);
    throw error;
  }
}

/** Records a job the moment sbatch returned, so a kill of this process loses nothing; a job that cannot be recorded is cancelled. */
async function recordJob(jobs: JobRecords, submitting: SubmittingRecord, jobId: string): Promise<void> {
  try {
    await jobs.write({ ...submitting, jobId, submittedAt: new Date().toISOString() });
  } catch (error) {
    // A job nobody could find again would run on beside this attempt's retry.
    await slurmCommand(['scancel', jobId]).catch(() => undefined);
    throw error;
  }
}

/** Writes the attempt's files, submits its job and records the job at once. */
export async function submitJob(jobs: JobRecords, { plan, sinks }: Submission, settings: SlurmSettings, entry: readonly string[]): Promise<StartedJob> {
  const files = await writePlan(plan);
  await writeScript(files.script, `#!/bin/sh\nexec ${[...entry, files.plan].map(shellWord).join(' ')}\n`);
  const submission = newSubmission();
  const submitting = submittingRecordOf(plan, submission, undefined);
  const argv = sbatchArgs(plan, settings, files, submission);
  const id = await submitRecorded(jobs, [submitting], argv);
  await recordJob(jobs, submitting, id);
  sinks.log('info', `slurm job ${id} submitted: ${argv.slice(1, -1).join(' ')}`);
  return { id, files, adoptedFrom: undefined, release: nothingToRelease };
}

/**
 * Submits attempts that ask for the same allocation as one array job (one sbatch for all of them): task i
 * runs attempt i, picked by SLURM_ARRAY_TASK_ID in the array's script, and writes its output, through a
 * symbolic link, into that attempt's own output file. Each task is then an attempt of its own: followed
 * (`<job>_<i>`), recorded, retried and cancelled by itself. The array's directory (script, links) goes once
 * every task's outcome is taken.
 */
export async function submitArray(jobs: JobRecords, submissions: readonly Submission[], settings: SlurmSettings, entry: readonly string[]): Promise<Promise<StartedJob>[]> {
  const plans = submissions.map((submission) => submission.plan);
  const files = await Promise.all(plans.map(writePlan));
  // Beside the attempts' own directories, in the run's scratch space.
  const dir = await mkdtemp(join(dirname(dirname(plans[0]!.attemptDir)), 'array-'));
  const cases = plans.map((plan, index) => `${index}) dir=${shellWord(plan.attemptDir)} ;;`);
  const script = join(dir, 'job.sh');
  await writeScript(
    script,
    [
      '#!/bin/sh',
      'case "$SLURM_ARRAY_TASK_ID" in',
      ...cases,
      '*) echo "veriflow: this array has no attempt for task $SLURM_ARRAY_TASK_ID" >&2; exit 2 ;;',
      'esac',
      `cd "$dir" && exec ${entry.map(shellWord).join(' ')} "$dir/attempt.json"`,
      '',
    ].join('\n'),
  );
  await Promise.all(files.map((attempt, index) => symlink(attempt.output, join(dir, `${index}.out`))));
  const submission = newSubmission();
  const submitting = plans.map((plan, index) => submittingRecordOf(plan, submission, index));
  const argv = arraySbatchArgs(plans, settings, { script, output: join(dir, '%a.out'), dir }, submission);
  let arrayId: string;
  try {
    arrayId = await submitRecorded(jobs, submitting, argv);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let unreleased = plans.length;
  const release = async (): Promise<void> => {
    if (--unreleased === 0) await rm(dir, { recursive: true, force: true });
  };
  // One promise per task: a task whose record cannot be written is cancelled and fails alone.
  return submissions.map(async ({ plan, sinks }, index) => {
  const id = `${arrayId}_${index}`;
  await recordJob(jobs, submitting[index]!, id).catch(async (error: unknown) => {
    await release();
    throw error;
  });
  sinks.log('info', `slurm job ${id} submitted as task ${index} of array job ${arrayId} (${plans.length} instances of ${plan.identity.step}): ${argv.slice(1, -1).join(' ')}`);
  return { id, files: files[index]!, adoptedFrom: undefined, release };
  });
}

/**
 * The job a killed run left computing this key, now this run's to wait for (whatever state it is in: a
 * finished one's result is read from its attempt directory, a failed one counts as this attempt's failure).
 * The caller holds the key's instance lock, so no live run waits for a recorded job.
 */
export async function adoptRecordedJob(jobs: JobRecords, plan: AttemptPlan, sinks: ContextSinks): Promise<StartedJob | undefined> {
  const stored = await jobs.read(plan.resolved.key);
  if (!stored || stored.executor !== 'slurm') return undefined;
  const [recorded] = await resolveSubmissions([stored]);
  if (!recorded) {
    sinks.log('info', `run ${stored.submittedBy} was killed while submitting attempt ${stored.attempt}, and squeue lists no job of that submission (${submissionTag(stored.submission)}); submitting it again`);
    await jobs.remove(stored.key, (again) => again.submission === stored.submission);
    return undefined;
  }
  await jobs.write({ ...recorded, runId: plan.runId });
  const how = stored.jobId === undefined ? 'killed before it recorded the job, found in squeue by its comment' : 'which ended without its outcome';
  sinks.log('info', `adopting slurm job ${recorded.jobId} (attempt ${recorded.attempt} of run ${recorded.submittedBy}, ${how}) instead of submitting another`);
  return { id: recorded.jobId, files: attemptFiles(recorded.attemptDir), adoptedFrom: recorded.submittedBy, release: nothingToRelease };
}
