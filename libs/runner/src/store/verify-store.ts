import type { InstanceRecords } from './instance-records.js';
import type { ObjectStore } from './object-store.js';

/** A record that names an object, for saying which cached results a damaged object takes with it. */
export interface ObjectUser {
  readonly name: string;
  readonly key: string;
  readonly output: string;
}

export interface DamagedObject {
  readonly digest: string;
  /** For a corrupt object, what is wrong (`digest mismatch …`, `is a symbolic link …`). */
  readonly problem?: string;
  readonly usedBy: readonly ObjectUser[];
  /** `--repair` deleted it, so the instances using it run again. */
  readonly removed: boolean;
}

export interface StoreReport {
  /** Objects re-hashed. */
  readonly objects: number;
  readonly records: number;
  readonly corrupt: readonly DamagedObject[];
  /** Named by a record but not in the store: those instances run again (`outputs missing`). */
  readonly missing: readonly DamagedObject[];
  /** In the store but named by no cache record (e.g. its record was replaced after --force); harmless. */
  readonly orphaned: readonly string[];
  readonly corruptRecords: readonly { readonly key: string; readonly problem: string; readonly removed: boolean }[];
}

/**
 * Re-hashes every object and reads every record (as `git fsck` and `dvc status` do): what is corrupt,
 * missing or unreferenced, and which instances' records use each damaged object. With `repair`, corrupt
 * objects and unreadable records are deleted so that the next run recomputes them.
 */
export async function verifyStore(records: InstanceRecords, objects: ObjectStore, options: { repair: boolean }): Promise<StoreReport> {
  const users = new Map<string, ObjectUser[]>();
  const corruptRecords: { key: string; problem: string; removed: boolean }[] = [];
  const keys = await records.keys();
  for (const key of keys) {
    const loaded = records.load(key);
    if (!('record' in loaded)) {
      if (options.repair) await records.remove(key);
      corruptRecords.push({ key, problem: loaded.detail ?? loaded.reason, removed: options.repair });
      continue;
    }
    for (const [output, recorded] of Object.entries(loaded.record.outputs)) {
      if (recorded.kind !== 'artifact') continue;
      users.set(recorded.digest, [...(users.get(recorded.digest) ?? []), { name: loaded.record.name, key, output }]);
    }
  }
  for (const list of users.values()) list.sort((a, b) => a.name.localeCompare(b.name) || a.output.localeCompare(b.output));
  const stored = await objects.digests();
  const corrupt: DamagedObject[] = [];
  for (const digest of stored) {
    const health = options.repair ? await objects.removeCorrupt(digest) : await objects.verify(digest);
    if (health.status === 'corrupt') corrupt.push({ digest, problem: health.problem, usedBy: users.get(digest) ?? [], removed: options.repair });
  }
  const present = new Set(stored);
  const missing = [...users].filter(([digest]) => !present.has(digest)).map(([digest, usedBy]) => ({ digest, usedBy, removed: false }));
  const damaged = new Set(corrupt.map((object) => object.digest));
  const orphaned = stored.filter((digest) => !users.has(digest) && !damaged.has(digest));
  return { objects: stored.length, records: keys.length, corrupt, missing, orphaned, corruptRecords };
}
