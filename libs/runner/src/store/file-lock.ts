import { randomBytes } from 'node:crypto';
import { statSync, unlinkSync } from 'node:fs';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname, uptime } from 'node:os';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isErrno } from '@veriflow/durable-fs';

/** What a lock file holds. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** ISO timestamp. */
  readonly createdAt: string;
}

/** Gives the lock back; calling it again does nothing. */
export type Release = () => Promise<void>;

export interface AcquireOptions {
  /** false: return undefined at once when another process holds the lock. */
  readonly wait: boolean;
  /** Delay between attempts while waiting (default 25 ms, jittered). */
  readonly pollMs?: number;
  /** Stops waiting; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** An empty or unreadable lock file this old was left by a writer killed mid-creation (default 5000 ms). */
  readonly corruptStaleMs?: number;
}

/** Whether `pid` names a live process on this host (EPERM means it exists but belongs to another user). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return !isErrno(error, 'ESRCH');
  }
}

/** The owner recorded in a lock file, or undefined when there is no lock or it is unreadable. */
export async function readLockOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return parseOwner(await readFile(path, 'utf8'));
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/**
 * A lock that works across processes on one machine (and, without stale recovery, across hosts
 * sharing a filesystem): the lock is the existence of `path`, created with O_EXCL. A lock whose
 * owner died on this host is recovered; one held by another host is only ever waited for.
 */
export async function acquireLock(lockPath: string, options: AcquireOptions): Promise<Release | undefined> {
  const path = resolve(lockPath);
  const pollMs = options.pollMs ?? 25;
  await mkdir(dirname(path), { recursive: true });
  for (;;) {
    options.signal?.throwIfAborted();
    const release = await tryCreate(path);
    if (release) return release;
    if (await removeIfStale(path, options.corruptStaleMs ?? 5000)) continue;
    if (!options.wait) return undefined;
    await sleep(pollMs * (0.5 + Math.random()), undefined, options.signal ? { signal: options.signal } : {}).catch((error: unknown) => {
      throw options.signal?.aborted ? options.signal.reason : error;
    });
  }
}

/** Runs `fn` holding the lock, waiting for it as long as it takes (or until `signal` aborts). */
export async function withLock<T>(path: string, fn: () => Promise<T> | T, options: Omit<AcquireOptions, 'wait'> = {}): Promise<T> {
  const release = await acquireLock(path, { ...options, wait: true });
  if (!release) throw new Error(`Could not acquire lock ${path}`);
  try {
    return await fn();
  } finally {
    await release();
  }
}

async function tryCreate(path: string): Promise<Release | undefined> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return undefined;
    throw error;
  }
  let ino: number;
  try {
    const owner: LockOwner = { pid: process.pid, host: hostname(), createdAt: new Date().toISOString() };
    await handle.writeFile(JSON.stringify(owner));
    ino = (await handle.stat()).ino;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return makeRelease(path, ino);
}

const heldLocks = new Map<string, number>();
let exitHookInstalled = false;

function makeRelease(path: string, ino: number): Release {
  heldLocks.set(path, ino);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A process.exit() with locks held (e.g. after Ctrl-C) should not make the next run wait on stale-lock recovery.
    process.once('exit', () => {
      for (const [held, ino] of heldLocks) {
        try {
          if (statSync(held).ino === ino) unlinkSync(held);
        } catch {
          // already gone
        }
      }
    });
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    heldLocks.delete(path);
    // Unlink only our own file: if a racer wrongly broke our lock, the file there now is someone else's.
    const current = await stat(path).catch(() => undefined);
    if (current?.ino === ino) await unlink(path).catch(() => undefined);
  };
}

/** Removes the lock at `path` if its owner is gone; true when the caller should retry at once. */
async function removeIfStale(path: string, corruptStaleMs: number): Promise<boolean> {
  const verdict = await judge(path, corruptStaleMs);
  if (verdict !== 'stale') return verdict === 'gone';

  // Rename, not unlink: two processes may judge the same lock stale, and by the time the slower one
  // acts the faster one may already hold a fresh lock there. So move aside whatever is at `path`
  // and judge that file again; inode numbers are no proof of identity as they are reused at once.
  const aside = `${path}.stale.${process.pid}.${randomBytes(6).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return true;
    throw error;
  }
  if ((await judge(aside, corruptStaleMs)) === 'live') {
    // We took a live lock: put it back unless yet another process has locked since (link never overwrites).
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
  return true;
}

async function judge(path: string, corruptStaleMs: number): Promise<'live' | 'stale' | 'gone'> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return 'gone';
    throw error;
  }
  try {
    const info = await handle.stat();
    const owner = parseOwner(await handle.readFile('utf8'));
    if (owner) return owner.host === hostname() && !ownerMayBeAlive(owner) ? 'stale' : 'live';
    // Empty or half-written: its creator was killed between create and write, unless that just happened.
    return Date.now() - info.mtimeMs > corruptStaleMs ? 'stale' : 'live';
  } finally {
    await handle.close();
  }
}

/** A pid from before the last boot may have been reused by an unrelated process, so only trust it if the lock is younger than the boot. */
function ownerMayBeAlive(owner: LockOwner): boolean {
  const createdAt = Date.parse(owner.createdAt);
  const bootedAt = Date.now() - uptime() * 1000;
  if (Number.isFinite(createdAt) && createdAt < bootedAt - 60_000) return false;
  return isProcessAlive(owner.pid);
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner> | null;
    if (value && typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.createdAt === 'string') {
      return { pid: value.pid, host: value.host, createdAt: value.createdAt };
    }
  } catch {
    // empty or half-written
  }
  return undefined;
}
