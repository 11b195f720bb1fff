import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno, writeJsonAtomic } from '@veriflow/durable-fs';
import { assertCacheKey, isCacheKey } from './digest.js';

/** Who started an instance that has no record yet. */
export interface IncompleteInfo {
  readonly runId: string;
  /** Instance name, for messages. */
  readonly name: string;
  readonly pid: number;
  readonly host: string;
  /** ISO timestamp. */
  readonly startedAt: string;
  /** The first line of its error when it failed cleanly; absent while it runs and when it was interrupted. */
  readonly error?: string;
}

/**
 * `<root>/<key>.json` exists while an instance runs and is removed once its record is written, so a
 * marker without a record (and without a live owner) means "interrupted in run X", or "failed in run X"
 * once `markFailed` has added the error.
 */
export class IncompleteMarkers {
  constructor(readonly root: string) {}

  pathOf(key: string): string {
    assertCacheKey(key);
    return join(this.root, `${key}.json`);
  }

  async markIncomplete(key: string, info: IncompleteInfo): Promise<void> {
    await writeJsonAtomic(this.pathOf(key), { format: 1, key, ...info }, { durable: false });
  }

  /** Keeps the marker (no record exists) but says the instance ended with `error`, not by a kill. */
  async markFailed(key: string, info: IncompleteInfo, error: string): Promise<void> {
    await this.markIncomplete(key, { ...info, error: firstLine(error) });
  }

  async clearIncomplete(key: string): Promise<void> {
    await unlink(this.pathOf(key)).catch((error: unknown) => {
      if (!isErrno(error, 'ENOENT')) throw error;
    });
  }

  /** The marker's info, or undefined when there is none or it is unreadable (a marker is only a hint). */
  async readIncomplete(key: string): Promise<IncompleteInfo | undefined> {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(this.pathOf(key), 'utf8'));
    } catch {
      return undefined;
    }
    const v = value as Partial<IncompleteInfo> | null;
    if (!v || typeof v.runId !== 'string' || typeof v.name !== 'string' || typeof v.pid !== 'number' || typeof v.host !== 'string' || typeof v.startedAt !== 'string') {
      return undefined;
    }
    return { runId: v.runId, name: v.name, pid: v.pid, host: v.host, startedAt: v.startedAt, ...(typeof v.error === 'string' ? { error: v.error } : {}) };
  }

  /** Keys of every marker present. */
  async keys(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return [];
      throw error;
    }
    return names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length)).filter(isCacheKey);
  }
}

const MAX_ERROR_CHARS = 300;

function firstLine(error: string): string {
  const line = error.split('\n', 1)[0]!.trim();
  return line.length > MAX_ERROR_CHARS ? `${line.slice(0, MAX_ERROR_CHARS - 1)}…` : line;
}
