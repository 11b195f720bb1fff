import { readFileSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { writeJsonAtomic } from '@veriflow/durable-fs';

/**
 * What `stat` said about a stored object when its bytes were last hashed and found intact (DVC keeps the
 * same facts in its state database). While they are unchanged the object is trusted without re-hashing;
 * any edit in place changes its ctime, even when size and mtime are restored.
 */
export interface ObjectFingerprint {
  readonly size: string;
  readonly ino: string;
  readonly mtimeNs: string;
  readonly ctimeNs: string;
  /** Wall-clock time of the `stat`, for the racy check below. */
  readonly statAtNs: string;
}

/**
 * File timestamps come from a coarse clock, so an edit made soon after the `stat` may leave them equal. As
 * git does for "racily clean" index entries, a fingerprint taken this soon after the object last changed
 * is not trusted: the next use re-hashes the object and fingerprints it again, for good.
 */
const RACY_NS = 2_000_000_000n;

export function fingerprintOf(stat: BigIntStats, statAtNs: bigint): ObjectFingerprint {
  return { size: String(stat.size), ino: String(stat.ino), mtimeNs: String(stat.mtimeNs), ctimeNs: String(stat.ctimeNs), statAtNs: String(statAtNs) };
}

export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** Whether `stat` shows the object exactly as it was when it was fingerprinted, long enough after its last change. */
export function fingerprintHolds(recorded: ObjectFingerprint | undefined, stat: BigIntStats): boolean {
  if (recorded === undefined) return false;
  const current = fingerprintOf(stat, 0n);
  return (
    recorded.size === current.size &&
    recorded.ino === current.ino &&
    recorded.mtimeNs === current.mtimeNs &&
    recorded.ctimeNs === current.ctimeNs &&
    BigInt(recorded.statAtNs) - stat.ctimeNs >= RACY_NS
  );
}

/** The fingerprint stored at `path`; undefined when there is none or it is unreadable (the object is then re-hashed). */
export function readFingerprint(path: string): ObjectFingerprint | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const fields = parsed as Record<string, unknown>;
    return ['size', 'ino', 'mtimeNs', 'ctimeNs', 'statAtNs'].every((field) => typeof fields[field] === 'string' && /^\d+$/.test(fields[field])) ? (parsed as ObjectFingerprint) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Saves a fingerprint. It only spares a re-hash, so failing to write one (a read-only workspace, a full
 * disk) is not an error: the object is simply hashed again on its next use.
 */
export async function writeFingerprint(path: string, fingerprint: ObjectFingerprint): Promise<void> {
  await writeJsonAtomic(path, fingerprint, { durable: false }).catch(() => undefined);
}
