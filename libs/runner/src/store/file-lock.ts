import { randomBytes } from 'node:crypto';
import { statSync, unlinkSync } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isErrno } from '@veriflow/durable-fs';
import type { LockOwner } from './lock-owner.js';
import { parseOwner } from './lock-owner.js';
import { HeartbeatWatch, judgeLock } from './lock-staleness.js';
import type { StalenessPolicy, Verdict } from './lock-staleness.js';
import { processStartOf } from './process-identity.js';

/** A lock from another host whose heartbeat is silent this long is taken over (`--lock-timeout`). */
export const DEFAULT_LOCK_TIMEOUT_MS = 5 * 60_000;
/** How often a holder refreshes its lock's mtime; far below the lock timeout and NFS attribute caching (≤ 60 s). */
export const DEFAULT_HEARTBEAT_MS = 30_000;
const DEFAULT_NOTICE_EVERY_MS = 30_000;

/** Gives the lock back; calling it again does nothing. */
export type Release = () => Promise<void>;

/** What a waiter reports: whom it waits for, or whose stale lock it took over. */
export type LockEvent =
  | {
      readonly kind: 'waiting';
      readonly path: string;
      /** Undefined while the lock file is still being written. */
      readonly holder: LockOwner | undefined;
      readonly waitedMs: number;
      readonly heartbeatAgeMs: number;
      /** Set for a holder on another host: it is taken over then unless its heartbeat resumes. */
      readonly takeoverInMs?: number;
    }
  | { readonly kind: 'took-over'; readonly path: string; readonly holder: LockOwner | undefined; readonly why: string };

export interface AcquireOptions {
  /** false: return undefined at once when another process holds the lock. */
  readonly wait: boolean;
  /** Delay between attempts while waiting (default 25 ms, jittered). */
  readonly pollMs?: number;
  /** Stops waiting; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** An empty or unreadable lock file this old was left by a writer killed mid-creation (default 5000 ms). */
  readonly corruptStaleMs?: number;
  /** A lock from another host whose heartbeat is silent this long is taken over (default DEFAULT_LOCK_TIMEOUT_MS). */
  readonly lockTimeoutMs?: number;
  /** How often the holder refreshes the lock's mtime (default DEFAULT_HEARTBEAT_MS). */
  readonly heartbeatMs?: number;
  /** How often a waiter repeats its `waiting` event (default 30 s; the first comes at once). */
  readonly noticeEveryMs?: number;
  readonly onEvent?: (event: LockEvent) => void;
  /** Names the holder in other processes' messages, e.g. "run 20261203-092150-de770c". */
  readonly label?: string;
}

interface HeldLock {
  readonly ino: number;
  readonly token: string;
  readonly stopHeartbeat: () => void;
}

const heldLocks = new Map<string, HeldLock>();
const holdsToken = (token: string): boolean => [...heldLocks.values()].some((held) => held.token === token);

const policyOf = (options: Pick<AcquireOptions, 'corruptStaleMs' | 'lockTimeoutMs'>): StalenessPolicy => ({
  corruptStaleMs: options.corruptStaleMs ?? 5000,
  lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
  holdsToken,
});

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
 * A lock across processes and hosts sharing a filesystem: the lock is the existence of `path`, created
 * with O_EXCL (atomic on local filesystems and NFSv3+). A lock whose holder is gone is taken over: on this
 * host when its pid is dead or now names another process; from another host once its heartbeat (the file's
 * mtime, refreshed by the holder) has been silent for `lockTimeoutMs`.
 */
export async function acquireLock(lockPath: string, options: AcquireOptions): Promise<Release | undefined> {
  const path = resolve(lockPath);
  const pollMs = options.pollMs ?? 25;
  const noticeEveryMs = options.noticeEveryMs ?? DEFAULT_NOTICE_EVERY_MS;
  const policy = policyOf(options);
  const watch = new HeartbeatWatch();
  let waitingSince: number | undefined;
  let noticedAt = -Infinity;
  await mkdir(dirname(path), { recursive: true });
  for (;;) {
    options.signal?.throwIfAborted();
    const release = await tryCreate(path, options);
    if (release) return release;
    const verdict = await removeIfStale(path, policy, watch, options.onEvent);
    if (verdict === 'retry') continue;
    if (!options.wait) return undefined;
    const now = performance.now();
    waitingSince ??= now;
    if (now - noticedAt >= noticeEveryMs) {
      noticedAt = now;
      const takeover = verdict.takeoverInMs === undefined ? {} : { takeoverInMs: verdict.takeoverInMs };
      options.onEvent?.({ kind: 'waiting', path, holder: verdict.owner, waitedMs: now - waitingSince, heartbeatAgeMs: verdict.heartbeatAgeMs, ...takeover });
    }
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

// What removeIfStale leaves when it is killed between moving a lock aside and deleting it.
const ASIDE = /\.lock\.stale\.[0-9]+\.[0-9a-f]{12}$/;

/** Removes every stale lock in `dir` and the leftovers of interrupted take-overs; live locks stay. */
export async function sweepStaleLocks(dir: string, options: Pick<AcquireOptions, 'corruptStaleMs' | 'lockTimeoutMs'>): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return;
    throw error;
  }
  const policy = policyOf(options);
  const watch = new HeartbeatWatch();
  for (const name of names) {
    const path = join(dir, name);
    if (ASIDE.test(name)) {
      // A live lock moved aside is being put back by its mover: only a stale one is garbage.
      if ((await judgeLock(path, policy, watch)).state === 'stale') await unlinkIfPresent(path);
    } else if (name.endsWith('.lock')) {
      await removeIfStale(path, policy, watch, undefined);
    }
  }
}

async function tryCreate(path: string, options: AcquireOptions): Promise<Release | undefined> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return undefined;
    throw error;
  }
  const token = randomBytes(12).toString('hex');
  const start = processStartOf(process.pid);
  const owner: LockOwner = { pid: process.pid, host: hostname(), createdAt: new Date().toISOString(), token, ...(start ? { start } : {}), ...(options.label ? { label: options.label } : {}) };
  const bytes = Buffer.from(JSON.stringify(owner));
  let ino: number;
  try {
    await handle.writeFile(bytes);
    ino = (await handle.stat()).ino;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return makeRelease(path, { ino, token, stopHeartbeat: startHeartbeat(path, ino, bytes, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS) });
}

/**
 * Rewrites the lock's own bytes in place every `everyMs`: a write sets the mtime from the file server's
 * clock (utimes would send ours), and readers never see the content change. Stops once the file is not ours.
 */
function startHeartbeat(path: string, ino: number, bytes: Buffer, everyMs: number): () => void {
  let beating = false;
  const timer = setInterval(() => {
    if (beating) return;
    beating = true;
    void beat(path, ino, bytes)
      .then((ours) => ours || clearInterval(timer))
      .finally(() => (beating = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** false once the lock at `path` is gone or someone else's; other failures are retried on the next beat. */
async function beat(path: string, ino: number, bytes: Buffer): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r+');
  } catch (error) {
    return !isErrno(error, 'ENOENT');
  }
  try {
    if ((await handle.stat()).ino !== ino) return false;
    await handle.write(bytes, 0, bytes.length, 0);
    return true;
  } catch {
    return true;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

let exitHookInstalled = false;

function makeRelease(path: string, held: HeldLock): Release {
  heldLocks.set(path, held);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A process.exit() with locks held (e.g. after Ctrl-C) should not make the next run wait on stale-lock recovery.
    process.once('exit', () => {
      for (const [path, { ino }] of heldLocks) {
        try {
          if (statSync(path).ino === ino) unlinkSync(path);
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
    held.stopHeartbeat();
    heldLocks.delete(path);
    // Unlink only our own file: if a racer wrongly broke our lock, the file there now is someone else's.
    const current = await stat(path).catch(() => undefined);
    // A lock that cannot be removed (read-only or failing disk) must not hide the error that stopped the
    // run: left behind, it names a dead process and the next run recovers it as stale.
    if (current?.ino === held.ino) await unlink(path).catch(() => undefined);
  };
}

/** Takes the lock at `path` away if its holder is gone ('retry': try to create it at once), else says who holds it. */
async function removeIfStale(path: string, policy: StalenessPolicy, watch: HeartbeatWatch, onEvent: AcquireOptions['onEvent']): Promise<'retry' | Extract<Verdict, { state: 'live' }>> {
  const verdict = await judgeLock(path, policy, watch);
  if (verdict.state === 'gone') return 'retry';
  if (verdict.state === 'live') return verdict;

  // Rename, not unlink: two processes may judge the same lock stale, and by the time the slower one
  // acts the faster one may already hold a fresh lock there. So move aside whatever is at `path`
  // and judge that file again; inode numbers are no proof of identity as they are reused at once.
  const aside = `${path}.stale.${process.pid}.${randomBytes(6).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return 'retry';
    throw error;
  }
  const again = await judgeLock(aside, policy, watch);
  if (again.state === 'live') {
    // We took a live lock: put it back unless yet another process has locked since (link never overwrites).
    await link(aside, path).catch(() => undefined);
  } else if (again.state === 'stale') {
    onEvent?.({ kind: 'took-over', path, holder: again.owner, why: again.why });
  }
  await unlinkIfPresent(aside);
  return 'retry';
}

async function unlinkIfPresent(path: string): Promise<void> {
  await unlink(path).catch((error: unknown) => {
    if (!isErrno(error, 'ENOENT')) throw error;
  });
}
