import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { cancelSlurmJobs, JobRecords, liveSlurmJobs, resolveSubmissions, Workspace } from '@veriflow/runner';
import type { JobRecord } from '@veriflow/runner';
import { RunStore } from '@veriflow/tracking';
import type { RunArgs } from '../args.js';
import { UsageError } from '../usage-error.js';
import { formatTime, withUsageErrors } from './runs.js';

/** How long a signalled `veriflow run` may take to stop its instances and jobs and close its run. */
const STOP_WAIT_MS = 120_000;

const say = (line: string): void => void process.stderr.write(`veriflow: ${line}\n`);
const jobList = (ids: readonly string[]): string => `Slurm job${ids.length === 1 ? '' : 's'} ${ids.join(', ')}`;

/**
 * A run whose `veriflow run` is alive: it is interrupted (SIGINT) and stops as Ctrl-C stops it, cancelling
 * its own jobs (a job scancel'led behind its back would read as a failed attempt and be retried).
 */
async function stopLiveRun(store: RunStore, id: string, jobs: readonly JobRecord[]): Promise<number> {
  const writer = await store.liveWriter(id);
  if (writer === undefined) return cancelAbandonedRun(store, id, jobs);
  if (writer.pid === undefined || writer.host !== hostname()) {
    say(`run ${id} is being run by ${writer.pid === undefined ? 'a process' : `pid ${writer.pid}`} on ${writer.host ?? 'an unknown host'}, which cannot be signalled from ${hostname()}; run "veriflow cancel ${id}" there, or press Ctrl-C in it`);
    return 1;
  }
  try {
    process.kill(writer.pid, 'SIGINT');
  } catch (error) {
    say(`could not signal veriflow run (pid ${writer.pid}) of run ${id}: ${(error as Error).message}; cancel it as the user who started it`);
    return 1;
  }
  say(`sent SIGINT to veriflow run (pid ${writer.pid}): it stops run ${id} as Ctrl-C does${jobs.length > 0 ? `, cancelling its ${jobList(jobs.map((job) => job.jobId))}` : ''}`);
  const deadline = Date.now() + STOP_WAIT_MS;
  while ((await store.liveWriter(id)) !== undefined) {
    if (Date.now() > deadline) {
      say(`run ${id} is still running ${STOP_WAIT_MS / 1000}s after SIGINT (pid ${writer.pid}); see its log in .veriflow/runs/${id}/logs`);
      return 1;
    }
    await delay(200);
  }
  // Its own cancellation gives up on a job that will not end after 30 s: those are cancelled here again.
  const left = await cancelSlurmJobs(await liveSlurmJobs(jobs.map((job) => job.jobId)));
  if (left.length > 0) {
    say(`run ${id} stopped, but ${jobList(left)} had not ended 60s after scancel; see squeue --jobs=${left.join(',')}`);
    return 1;
  }
  const { run } = await store.readRun(id);
  say(run.status === 'cancelled' ? `run ${id} cancelled${jobs.length > 0 ? '; none of its jobs is left in squeue' : ''}` : `run ${id} ended ${run.status} before the signal took effect`);
  return run.status === 'cancelled' ? 0 : 1;
}

/** A run whose `veriflow run` was killed: the jobs it left are cancelled here, and the run recorded as cancelled. */
async function cancelAbandonedRun(store: RunStore, id: string, jobs: readonly JobRecord[]): Promise<number> {
  const live = await liveSlurmJobs(jobs.map((job) => job.jobId));
  if (live.length === 0) {
    say(`run ${id} was interrupted (its veriflow run is gone) and ${jobs.length === 0 ? 'left no Slurm job' : 'none of its Slurm jobs is queued or running'}; nothing to cancel`);
    return 1;
  }
  const left = await cancelSlurmJobs(live);
  if (left.length > 0) {
    say(`${jobList(left)} of run ${id} had not ended 60s after scancel; see squeue --jobs=${left.join(',')}, then run "veriflow cancel ${id}" again`);
    return 1;
  }
  // Cancelled jobs are no one's to adopt: the next run computes those instances afresh.
  const records = new JobRecords(new Workspace(store.workspaceDir).layout.jobs);
  for (const job of jobs) await records.remove(job.key, (recorded) => recorded.submission === job.submission);
  await store.finishAbandoned(id, 'cancelled');
  say(`run ${id} cancelled: scancel ended its ${jobList(live)}; none is left in squeue`);
  return 0;
}

/** `veriflow cancel <run | latest>`: stops a run that is still going, on this machine or on Slurm. */
export async function cancelCommand(args: RunArgs): Promise<number> {
  const [target, ...extra] = args.positionals;
  if (target === undefined || extra.length > 0) throw new UsageError('veriflow cancel needs one run id (or a unique prefix of one) or latest, e.g. veriflow cancel latest');
  const store = new RunStore(args.workspace);
  const id = target === 'latest' ? (await store.listRuns())[0]?.id : await withUsageErrors(() => store.resolveRunId(target));
  if (id === undefined) throw new UsageError(`no runs are recorded in ${store.runsDir}, so there is no latest run to cancel`);
  const { run } = await withUsageErrors(() => store.readRun(id));
  if (run.status !== 'running' && run.status !== 'interrupted') {
    say(`run ${id} has already finished (${run.status}${run.endedAt === undefined ? '' : ` at ${formatTime(run.endedAt)}`}); nothing to cancel`);
    return 1;
  }
  // Jobs a killed run submitted but never recorded are found in squeue by their comment.
  const jobs = await resolveSubmissions(await new JobRecords(new Workspace(args.workspace).layout.jobs).ofRun(id));
  return run.status === 'running' ? stopLiveRun(store, id, jobs) : cancelAbandonedRun(store, id, jobs);
}
