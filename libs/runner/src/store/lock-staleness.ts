import { open } from 'node:fs/promises';
import { hostname, uptime } from 'node:os';
import { isErrno } from '@veriflow/durable-fs';
import type { LockOwner } from './lock-owner.js';
import { parseOwner } from './lock-owner.js';
import { isProcessAlive, processStartOf } from './process-identity.js';

export interface StalenessPolicy {
  /** An empty or unreadable lock file this old was left by a writer killed mid-creation. */
  readonly corruptStaleMs: number;
  /** A lock from another host whose heartbeat has been silent this long is stale. */
  readonly lockTimeoutMs: number;
  /** Whether this process holds the acquisition named by `token`. */
  readonly holdsToken: (token: string) => boolean;
}

export type Verdict =
  | { readonly state: 'gone' }
  | { readonly state: 'stale'; readonly owner: LockOwner | undefined; readonly why: string }
  | {
      readonly state: 'live';
      readonly owner: LockOwner | undefined;
      readonly heartbeatAgeMs: number;
      /** For a lock from another host: when it will be taken over unless its heartbeat resumes. */
      readonly takeoverInMs?: number;
    };

/**
 * Since when this process has seen each foreign lock unchanged. Its holder's heartbeat rewrites the file,
 * changing its mtime; measuring silence on our own clock still notices a stopped heartbeat when the other
 * host's (or the file server's) clock runs behind ours.
 */
export class HeartbeatWatch {
  private readonly firstSeen = new Map<string, number>();

  silentForMs(stamp: string): number {
    const now = performance.now();
    const since = this.firstSeen.get(stamp) ?? now;
    this.firstSeen.set(stamp, since);
    return now - since;
  }
}

const seconds = (ms: number): string => `${ms < 10_000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)}s`;

/** Whether the lock at `path` still protects a live holder, and if not, why. */
export async function judgeLock(path: string, policy: StalenessPolicy, watch: HeartbeatWatch): Promise<Verdict> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return { state: 'gone' };
    throw error;
  }
  let mtimeMs: number;
  let owner: LockOwner | undefined;
  try {
    mtimeMs = (await handle.stat()).mtimeMs;
    owner = parseOwner(await handle.readFile('utf8'));
  } finally {
    await handle.close();
  }
  const heartbeatAgeMs = Date.now() - mtimeMs;
  if (!owner) {
    // Its creator was killed between create and write, unless that just happened.
    return heartbeatAgeMs > policy.corruptStaleMs ? { state: 'stale', owner, why: `it is empty or unreadable and ${seconds(heartbeatAgeMs)} old` } : { state: 'live', owner, heartbeatAgeMs };
  }
  if (owner.host !== hostname()) {
    const silentMs = Math.max(heartbeatAgeMs, watch.silentForMs(`${owner.token ?? owner.createdAt}|${mtimeMs}`));
    if (silentMs > policy.lockTimeoutMs) {
      return { state: 'stale', owner, why: `no heartbeat from host ${owner.host} for ${seconds(silentMs)} (the lock timeout is ${seconds(policy.lockTimeoutMs)})` };
    }
    return { state: 'live', owner, heartbeatAgeMs, takeoverInMs: policy.lockTimeoutMs - silentMs };
  }
  const why = sameHostStaleness(owner, policy);
  return why ? { state: 'stale', owner, why } : { state: 'live', owner, heartbeatAgeMs };
}

/** Why a lock taken on this host no longer has a live holder, or undefined when it has one. */
function sameHostStaleness(owner: LockOwner, policy: StalenessPolicy): string | undefined {
  if (owner.pid === process.pid) {
    return owner.token !== undefined && policy.holdsToken(owner.token) ? undefined : `pid ${owner.pid} is this process, which did not take it (an earlier process had the same pid)`;
  }
  if (!isProcessAlive(owner.pid)) return `its process ${owner.pid} is no longer running`;
  if (owner.start !== undefined) {
    const current = processStartOf(owner.pid);
    return current !== undefined && current !== owner.start ? `pid ${owner.pid} is now another process (it started after the lock was taken)` : undefined;
  }
  // Written by a version that did not record start times: a pid from before the last boot may be reused.
  const createdAt = Date.parse(owner.createdAt);
  const bootedAt = Date.now() - uptime() * 1000;
  return Number.isFinite(createdAt) && createdAt < bootedAt - 60_000 ? 'it was taken before this machine last booted' : undefined;
}
