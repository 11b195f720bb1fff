import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { namingRefusals } from './fs-errors.js';
import { isTempFileName, tempPathFor } from './temp-names.js';

/** Makes a rename or unlink in `dir` durable. Some filesystems refuse to fsync directories; that only costs durability on power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Replaces `target` so that readers (and the next process after a crash or SIGKILL) see either the
 * old file or the complete new one, never a prefix. Creates the parent directory if needed. A kill
 * can leave a `.<name>.<pid>.<random>.tmp` sibling behind; `cleanupTempFiles` removes those. A full
 * disk or a read-only file system throws a FileSystemError naming `target`.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array, options: { mode?: number; durable?: boolean } = {}): Promise<void> {
  return namingRefusals(target, () => replaceFile(target, data, options));
}

async function replaceFile(target: string, data: string | Uint8Array, options: { mode?: number; durable?: boolean }): Promise<void> {
  // `durable: false` still never exposes a partial file; it only skips the fsyncs that protect against
  // power loss, for hints like incomplete markers that are cheap to lose.
  const durable = options.durable ?? true;
  const dir = dirname(target);
  await mkdir(dir, { recursive: true });
  const temp = tempPathFor(target);
  const handle = await open(temp, 'wx', options.mode ?? 0o666);
  let renamed = false;
  try {
    try {
      await handle.writeFile(data);
      // Without this the rename can reach the disk before the data, leaving an empty file after a power cut.
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    renamed = true;
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
  if (durable) await fsyncDir(dir);
}

/** Pretty-printed JSON with a trailing newline, for state files people may read or diff. */
export async function writeJsonAtomic(target: string, value: unknown, options: { durable?: boolean } = {}): Promise<void> {
  const text = JSON.stringify(value, null, 2) as string | undefined;
  if (text === undefined) throw new Error(`Cannot write ${target}: the value (${typeof value}) has no JSON form`);
  await writeFileAtomic(target, `${text}\n`, options);
}

/**
 * Deletes temp files left in `dir` by killed writers. Only files older than `olderThanMs` go, so a
 * write in flight in another process is left alone. Returns the paths removed.
 */
export async function cleanupTempFiles(dir: string, olderThanMs: number): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
  const cutoff = Date.now() - olderThanMs;
  const removed: string[] = [];
  for (const name of names) {
    if (!isTempFileName(name)) continue;
    const path = join(dir, name);
    try {
      const info = await stat(path);
      if (!info.isFile() || info.mtimeMs > cutoff) continue;
      await unlink(path);
      removed.push(path);
    } catch (error) {
      // Another cleaner or the writer itself got there first.
      if (!isErrno(error, 'ENOENT')) throw error;
    }
  }
  return removed;
}

export function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
