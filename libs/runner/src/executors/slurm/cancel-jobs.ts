import { setTimeout as delay } from 'node:timers/promises';
import { isFinalState, queryJobStates } from './job-watcher.js';
import { slurmCommand } from './slurm-commands.js';

/** The ids among `jobIds` that Slurm still holds as pending, running, requeued or completing. */
export async function liveSlurmJobs(jobIds: readonly string[]): Promise<string[]> {
  if (jobIds.length === 0) return [];
  const states = await queryJobStates(jobIds);
  return [...states.values()].filter((state) => !isFinalState(state.state)).map((state) => state.jobId);
}

/** Runs `scancel` on the jobs and waits until Slurm has ended them; resolves with those still live after `timeoutMs`. */
export async function cancelSlurmJobs(jobIds: readonly string[], timeoutMs = 60_000, pollMs = 250): Promise<string[]> {
  if (jobIds.length === 0) return [];
  await slurmCommand(['scancel', ...jobIds]);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = await liveSlurmJobs(jobIds);
    if (live.length === 0 || Date.now() > deadline) return live;
    await delay(pollMs);
  }
}
