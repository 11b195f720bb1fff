import { sweepStaleLocks } from '../store/index.js';
import type { Workspace } from './workspace.js';

/**
 * Removes what killed runs left behind and is no longer true: locks whose holders are gone (and files
 * from interrupted take-overs), and incomplete markers of keys that now have a readable record. Markers without a
 * record stay: they tell `plan` that an instance was interrupted or failed.
 */
export async function removeLeftovers(workspace: Workspace, lockTimeoutMs: number | undefined): Promise<void> {
  const options = lockTimeoutMs === undefined ? {} : { lockTimeoutMs };
  try {
    await sweepStaleLocks(workspace.layout.instanceLocks, options);
    await sweepStaleLocks(workspace.layout.locks, options);
    for (const key of await workspace.markers.keys()) {
      // A readable record is enough: checking its objects (a re-hash of fresh ones) is the planner's job.
      if ('record' in workspace.records.load(key)) await workspace.markers.clearIncomplete(key);
    }
  } catch {
    // Housekeeping only: on a full or read-only disk it must not hide the error that ended the run, and
    // whatever it could not remove is still recognisable as stale, so the next run removes it.
  }
}
