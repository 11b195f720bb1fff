import { readdir, rm, rmdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '@veriflow/durable-fs';
import { JobRecords } from '../executors/job-records.js';
import { isCacheKey, sweepStaleLocks } from '../store/index.js';
import { readdirOrEmpty } from '../store/read-dir.js';
import { stagingKeyOf } from './staging-folder.js';
import type { Workspace } from './workspace.js';

/**
 * Removes what killed runs left behind and is no longer true: locks whose holders are gone (and files
 * from interrupted take-overs), incomplete markers and checkpoints of keys that now have a readable
 * record, and scratch folders that nothing owns (no held lock on their key, no cluster job working in
 * them, or for an array job's folder, no instance folder left beside it). Markers without a record stay: they tell `plan` that an instance was interrupted or failed.
 */
export async function removeLeftovers(workspace: Workspace, lockTimeoutMs: number | undefined): Promise<void> {
  const options = lockTimeoutMs === undefined ? {} : { lockTimeoutMs };
  const { layout } = workspace;
  try {
    await sweepStaleLocks(layout.instanceLocks, options);
    await sweepStaleLocks(layout.locks, options);
    const unowned = (key: string): boolean => !existsSync(layout.instanceLockPath(key));
    for (const key of await workspace.markers.keys()) {
      // A readable record is enough: checking its objects (a re-hash of fresh ones) is the planner's job.
      if ('record' in workspace.records.load(key)) await workspace.markers.clearIncomplete(key);
    }
    for (const key of (await readdirOrEmpty(layout.checkpoints)).filter(isCacheKey)) {
      if (unowned(key) && 'record' in workspace.records.load(key)) await rm(layout.checkpointDir(key), { recursive: true, force: true });
    }
    const jobs = new JobRecords(layout.jobs);
    for (const runId of await subfolders(layout.tmp)) {
      const runTmp = join(layout.tmp, runId);
      for (const name of await readdirOrEmpty(runTmp)) {
        const key = stagingKeyOf(name);
        if (key === undefined || !unowned(key)) continue;
        const staging = join(runTmp, name);
        if ((await jobs.read(key))?.attemptDir.startsWith(`${staging}/`)) continue;
        await rm(staging, { recursive: true, force: true });
      }
      // An array job's folder (its script, and the links its tasks write their output through) serves
      // tasks whose attempts live in instance folders beside it: once none is left, neither is a task.
      const left = await readdirOrEmpty(runTmp);
      if (!left.some((name) => name.startsWith('instance-'))) {
        for (const name of left.filter((entry) => entry.startsWith('array-'))) await rm(join(runTmp, name), { recursive: true, force: true });
      }
      await rmdir(runTmp).catch(() => undefined);
    }
  } catch {
    // Housekeeping only: on a full or read-only disk it must not hide the error that ended the run, and
    // whatever it could not remove is still recognisable as stale, so the next run removes it.
  }
}

/** The folders in `dir` (the object store stages files beside them). */
async function subfolders(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
}
