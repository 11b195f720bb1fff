import { readFile } from 'node:fs/promises';
import type { KeyEntry } from '../cache/key-entry.js';
import type { InstanceRecord, RecordedOutput, WorkspaceLayout } from '../store/index.js';
import { writeJsonAtomic } from '@veriflow/durable-fs';
import { withLock } from '../store/index.js';
import type { Provenance } from './environment.js';

export const LOCK_FORMAT = 1;

/** What produced each instance's outputs, as of the last run that touched it. */
export interface LockEntry {
  readonly key: string;
  readonly step: string;
  readonly entry: KeyEntry;
  readonly outputs: Readonly<Record<string, RecordedOutput>>;
  readonly runId: string | undefined;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly host: string;
}

export interface LockFile {
  readonly format: typeof LOCK_FORMAT;
  readonly workflow: string;
  readonly file: string;
  readonly updatedAt: string;
  readonly provenance: Provenance;
  readonly instances: Readonly<Record<string, LockEntry>>;
}

/** The workflow's lock file; a missing, unreadable or foreign-format file counts as none (everything reruns or hits the cache by key). */
export async function readLockFile(path: string): Promise<LockFile | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockFile>;
    return parsed.format === LOCK_FORMAT && parsed.instances ? (parsed as LockFile) : undefined;
  } catch {
    return undefined;
  }
}

export function lockEntryOf(record: InstanceRecord, entry: KeyEntry): LockEntry {
  return {
    key: record.key,
    step: record.step,
    entry,
    outputs: record.outputs,
    runId: record.runId,
    startedAt: record.startedAt,
    durationMs: record.durationMs,
    host: record.host,
  };
}

/**
 * Merges this run's entries into the lock file under a workspace lock, so concurrent runs of the same
 * workflow each add what they did; entries for instances that no longer exist are dropped.
 */
export async function updateLockFile(
  layout: WorkspaceLayout,
  workflow: string,
  file: string,
  provenance: Provenance,
  entries: ReadonlyMap<string, LockEntry>,
  existing: ReadonlySet<string>,
): Promise<void> {
  const path = layout.workflowLockFile(workflow);
  await withLock(layout.lockPath(`workflow-${workflow}`), async () => {
    const previous = await readLockFile(path);
    const instances: Record<string, LockEntry> = {};
    for (const [name, entry] of Object.entries(previous?.instances ?? {})) if (existing.has(name)) instances[name] = entry;
    for (const [name, entry] of entries) instances[name] = entry;
    const sorted = Object.fromEntries(Object.entries(instances).sort(([a], [b]) => a.localeCompare(b)));
    await writeJsonAtomic(path, { format: LOCK_FORMAT, workflow, file, updatedAt: new Date().toISOString(), provenance, instances: sorted } satisfies LockFile);
  });
}
