import { setTimeout as delay } from 'node:timers/promises';
import { SlurmCommandError, slurmCommand } from './slurm-commands.js';

/** A job (or array task, `4242_7`) as squeue reports it; `state` is Slurm's (PENDING, RUNNING, COMPLETED, TIMEOUT, …) or VANISHED. */
export interface JobState {
  readonly jobId: string;
  readonly state: string;
  /** Why it waits or ended (squeue's %r: Resources, Priority, NonZeroExitCode, …); `None` is left out. */
  readonly reason: string | undefined;
  readonly nodes: string | undefined;
  /** How often Slurm requeued the job (node failure, preemption, `scontrol requeue`); 0 before any. */
  readonly restarts: number;
}

/** States after which the job will never run again (a requeued job passes through REQUEUED, not these). */
const FINAL_STATES = new Set(['COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED', 'PREEMPTED', 'NODE_FAIL', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE', 'SPECIAL_EXIT', 'REVOKED', 'VANISHED']);

export function isFinalState(state: string): boolean {
  return FINAL_STATES.has(state);
}

/** A job squeue stops listing (purged after MinJobAge, or the controller lost it) is gone after this many polls. */
const MISSING_POLLS = 3;

interface Watched {
  readonly onState: (state: JobState) => void;
  missing: number;
}

/**
 * Polls the state of every job a run is waiting for with one squeue call per interval (not one per job),
 * so a 1,000-job sweep costs the controller one query a second.
 */
export class JobWatcher {
  readonly #watched = new Map<string, Watched>();
  #polling = false;

  constructor(readonly pollMs: number) {}

  /** Resolves with the job's final state; `onState` hears every poll's state (running, pending, …) first. */
  wait(jobId: string, onState: (state: JobState) => void): Promise<JobState> {
    return new Promise((resolve) => {
      this.#watched.set(jobId, {
        missing: 0,
        onState: (state) => {
          onState(state);
          if (!isFinalState(state.state)) return;
          this.#watched.delete(jobId);
          resolve(state);
        },
      });
      if (!this.#polling) void this.#poll();
    });
  }

  /** Stops polling for a job nobody waits for any more (one that would not end after scancel). */
  forget(jobId: string): void {
    this.#watched.delete(jobId);
  }

  async #poll(): Promise<void> {
    this.#polling = true;
    try {
      while (this.#watched.size > 0) {
        const ids = [...this.#watched.keys()];
        // A controller that does not answer for a while (restart, overload) is waited out: jobs keep running.
        const states = await queryJobStates(ids).catch(() => undefined);
        if (states === undefined) {
          await delay(this.pollMs);
          continue;
        }
        for (const id of ids) {
          const watched = this.#watched.get(id);
          if (!watched) continue;
          const state = states.get(id);
          if (state) {
            watched.missing = 0;
            watched.onState(state);
          } else if (++watched.missing >= MISSING_POLLS) {
            watched.onState({ jobId: id, state: 'VANISHED', reason: 'no longer listed by squeue', nodes: undefined, restarts: 0 });
          }
        }
        if (this.#watched.size > 0) await delay(this.pollMs);
      }
    } finally {
      this.#polling = false;
    }
  }
}

/** squeue's view of the given jobs, finished ones included while the controller still holds them. */
export async function queryJobStates(ids: readonly string[]): Promise<Map<string, JobState>> {
  let out: string;
  try {
    // --Format (not --format) for the restart count; `:|` is each field unpadded, then a `|`. `--array` lists
    // each array task on its own line, as `<job>_<task>` (JobArrayID; a plain job's is its id), pending ones too.
    out = await slurmCommand(['squeue', '--noheader', '--array', '--states=all', `--jobs=${ids.join(',')}`, '--Format=JobArrayID:|,State:|,Reason:|,NodeList:|,RestartCnt:']);
  } catch (error) {
    // squeue refuses a list whose jobs are all unknown: that is an answer (none listed), not a failure.
    if (error instanceof SlurmCommandError && /Invalid job id/i.test(error.stderr)) return new Map();
    throw error;
  }
  const states = new Map<string, JobState>();
  for (const line of out.split('\n')) {
    const [jobId, state, reason, nodes, restarts] = line.trim().split('|').map((field) => field.trim());
    if (!jobId || !state) continue;
    states.set(jobId, { jobId, state, reason: reason && reason !== 'None' ? reason : undefined, nodes: nodes || undefined, restarts: Number(restarts) || 0 });
  }
  return states;
}
