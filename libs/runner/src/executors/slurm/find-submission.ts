import type { JobRecord, StoredJob, SubmittingRecord } from '../job-records.js';
import { jobNameOf, submissionTag } from './sbatch-args.js';
import { slurmCommand } from './slurm-commands.js';

interface QueuedJob {
  /** `4242`, or `4242_7` for an array task. */
  readonly id: string;
  readonly comment: string;
}

/** Every job of a run that squeue still lists (finished ones included while the controller holds them), array tasks one by one. */
async function queuedJobsOf(runId: string): Promise<QueuedJob[]> {
  const out = await slurmCommand(['squeue', '--noheader', '--array', '--states=all', `--name=${jobNameOf(runId)}`, '--Format=JobArrayID:|,Comment:']);
  return out.split('\n').flatMap((line) => {
    const split = line.indexOf('|');
    return split > 0 ? [{ id: line.slice(0, split).trim(), comment: line.slice(split + 1).trim() }] : [];
  });
}

function matches(record: SubmittingRecord, job: QueuedJob): boolean {
  if (!job.comment.split(' ').includes(submissionTag(record.submission))) return false;
  return record.task === undefined ? !job.id.includes('_') : job.id.endsWith(`_${record.task}`);
}

/**
 * The recorded jobs, with each job whose submitting run was killed between sbatch and recording it looked
 * up in the queue by its submission token (one squeue call per such run). A submission the queue does not
 * list is left out: sbatch never reached the controller, or the job ended so long ago that the controller
 * forgot it (a job that succeeded has written its instance's record by then, so nothing is computed twice).
 */
export async function resolveSubmissions(stored: readonly StoredJob[]): Promise<JobRecord[]> {
  const queues = new Map<string, Promise<QueuedJob[]>>();
  const resolved = await Promise.all(
    stored.map(async (record): Promise<JobRecord | undefined> => {
      if (record.jobId !== undefined) return record;
      if (!queues.has(record.submittedBy)) queues.set(record.submittedBy, queuedJobsOf(record.submittedBy));
      const found = (await queues.get(record.submittedBy)!).find((job) => matches(record, job));
      return found ? { ...record, jobId: found.id } : undefined;
    }),
  );
  return resolved.filter((record): record is JobRecord => record !== undefined);
}
