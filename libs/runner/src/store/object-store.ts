import { createHash, randomBytes } from 'node:crypto';
import { lstatSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, isErrno } from '@veriflow/durable-fs';
import { formatDigest, isDigest, parseDigest } from './digest.js';
import { chmodNoFollow, copyHashing, hashFile } from './file-hash.js';
import type { HashedFile } from './file-hash.js';
import { readdirOrEmpty } from './read-dir.js';
import { fingerprintHolds, fingerprintOf, nowNs, readFingerprint, writeFingerprint } from './object-fingerprint.js';

export interface StoredObject {
  /** `sha256:<hex>` */
  readonly digest: string;
  readonly size: number;
  /** Where the object lives; read-only, never modify it. */
  readonly path: string;
}

/** What a check found; `problem` says what is wrong in words (`digest mismatch: …`). */
export type ObjectHealth = { readonly status: 'intact' } | { readonly status: 'missing' } | { readonly status: 'corrupt'; readonly problem: string };

const INTACT: ObjectHealth = { status: 'intact' };
const MISSING: ObjectHealth = { status: 'missing' };

/**
 * Content-addressed files at `<root>/<first 2 hex>/<remaining 62 hex>`. An object path only ever
 * holds complete content: files are staged elsewhere and renamed into place, so concurrent
 * processes storing the same content simply overwrite each other with identical bytes. Objects are
 * always regular files, never links, and each has a fingerprint (`object-fingerprint.ts`) that lets a
 * use detect an edit in place without re-hashing.
 */
export class ObjectStore {
  readonly root: string;
  /** Staging directory; must be on the same filesystem as `root` for the final rename. */
  readonly stagingDir: string;
  readonly fingerprintDir: string;

  constructor(root: string, options: { stagingDir?: string } = {}) {
    this.root = root;
    this.stagingDir = options.stagingDir ?? join(root, '.staging');
    this.fingerprintDir = join(root, '.fingerprints');
  }

  pathOf(digest: string): string {
    const hex = parseDigest(digest);
    return join(this.root, hex.slice(0, 2), hex.slice(2));
  }

  private fingerprintPathOf(digest: string): string {
    const hex = parseDigest(digest);
    return join(this.fingerprintDir, hex.slice(0, 2), `${hex.slice(2)}.json`);
  }

  /** Whether the object file exists (cheap; does not re-hash). Synchronous so a forgotten `await` cannot turn it into an always-true promise. */
  has(digest: string): boolean {
    return lstatSync(this.pathOf(digest), { throwIfNoEntry: false }) !== undefined;
  }

  /** Size of a stored object, or undefined when it is missing. */
  sizeOf(digest: string): number | undefined {
    const info = lstatSync(this.pathOf(digest), { throwIfNoEntry: false });
    return info?.isFile() ? info.size : undefined;
  }

  /**
   * Stores the file at `srcPath`. With `move`, the source is renamed into the store when it is on the
   * same filesystem (no copy) and is gone afterwards either way; without it, the source is untouched.
   * A symbolic link is never stored: its target's bytes are copied (with `move`, only the link is removed).
   */
  async putFile(srcPath: string, options: { move?: boolean } = {}): Promise<StoredObject> {
    const source = await lstat(srcPath);
    if (!source.isFile() && !source.isSymbolicLink()) throw new Error(`Cannot store ${srcPath}: it is not a file`);
    await mkdir(this.stagingDir, { recursive: true });
    const staged = join(this.stagingDir, `.put.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      let hashed: HashedFile | undefined;
      if (options.move && source.isFile()) {
        try {
          // Take ownership first, then hash: a writer still holding the source cannot change what we hash.
          await rename(srcPath, staged);
        } catch (error) {
          if (!isErrno(error, 'EXDEV')) throw error;
          hashed = await copyHashing(srcPath, staged);
          await unlink(srcPath);
        }
      } else {
        hashed = await copyHashing(srcPath, staged);
        if (options.move) await unlink(srcPath);
      }
      // hashFile refuses a link, should the source have been swapped for one before the rename.
      hashed ??= await hashFile(staged);
      return await this.commit(staged, hashed.hex, hashed.size);
    } finally {
      await unlink(staged).catch(() => undefined);
    }
  }

  /** Stores bytes held in memory (small values, tests). */
  async putData(data: string | Uint8Array): Promise<StoredObject> {
    await mkdir(this.stagingDir, { recursive: true });
    const staged = join(this.stagingDir, `.put.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await open(staged, 'wx');
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      const hex = createHash('sha256').update(bytes).digest('hex');
      return await this.commit(staged, hex, bytes.byteLength);
    } finally {
      await unlink(staged).catch(() => undefined);
    }
  }

  /**
   * Whether the object is there with the content its digest names, for an object about to be used. Cheap
   * while its fingerprint holds (one `lstat`); otherwise, or with `rehash`, the object is re-hashed.
   */
  async check(digest: string, expectedSize: number, options: { rehash?: boolean } = {}): Promise<ObjectHealth> {
    const info = lstatSync(this.pathOf(digest), { bigint: true, throwIfNoEntry: false });
    if (info === undefined) return MISSING;
    const shape = shapeProblem(info, expectedSize);
    if (shape) return { status: 'corrupt', problem: shape };
    if (!options.rehash && fingerprintHolds(readFingerprint(this.fingerprintPathOf(digest)), info)) return INTACT;
    return this.verify(digest);
  }

  /** Re-hashes the object; when intact, fingerprints it so the next `check` need not. */
  async verify(digest: string): Promise<ObjectHealth> {
    const statAtNs = nowNs();
    let hashed: Awaited<ReturnType<typeof hashFile>>;
    try {
      hashed = await hashFile(this.pathOf(digest));
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return MISSING;
      if (isErrno(error, 'ELOOP')) return { status: 'corrupt', problem: 'is a symbolic link, not a stored copy' };
      throw error;
    }
    if (hashed.hex !== parseDigest(digest)) return { status: 'corrupt', problem: `digest mismatch (its ${hashed.size} bytes hash to ${formatDigest(hashed.hex).slice(0, 19)}…)` };
    await writeFingerprint(this.fingerprintPathOf(digest), fingerprintOf(hashed.stat, statAtNs));
    return INTACT;
  }

  /**
   * Deletes the object when it is (still) corrupt, so that the next run recomputes it instead of trusting
   * it. Returns what it found. Only the file that was hashed goes: another process may have just renamed a
   * good copy into place.
   */
  async removeCorrupt(digest: string): Promise<ObjectHealth> {
    const before = lstatSync(this.pathOf(digest), { bigint: true, throwIfNoEntry: false });
    const health = await this.verify(digest);
    if (health.status !== 'corrupt') return health;
    const current = lstatSync(this.pathOf(digest), { bigint: true, throwIfNoEntry: false });
    if (current !== undefined && current.ino === before?.ino) await unlink(this.pathOf(digest));
    await unlink(this.fingerprintPathOf(digest)).catch(() => undefined);
    return health;
  }

  /** Every digest with an object file, in no particular order (for `veriflow verify`). */
  async digests(): Promise<string[]> {
    const digests: string[] = [];
    for (const shard of await readdirOrEmpty(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const rest of await readdirOrEmpty(join(this.root, shard))) {
        const digest = `sha256:${shard}${rest}`;
        if (isDigest(digest)) digests.push(digest);
      }
    }
    return digests;
  }

  private async commit(staged: string, hex: string, size: number): Promise<StoredObject> {
    const digest = formatDigest(hex);
    const path = this.pathOf(digest);
    // An intact copy is kept; a truncated, edited or linked one is replaced by these bytes.
    if ((await this.check(digest, size)).status === 'intact') return { digest, size, path };
    const dir = join(this.root, hex.slice(0, 2));
    await mkdir(dir, { recursive: true });
    await chmodNoFollow(staged, 0o444);
    await rename(staged, path);
    await fsyncDir(dir);
    const statAtNs = nowNs();
    await writeFingerprint(this.fingerprintPathOf(digest), fingerprintOf(await lstat(path, { bigint: true }), statAtNs));
    return { digest, size, path };
  }
}

/** What is wrong with an object that `lstat` alone can tell: not a regular file, or the wrong size. */
function shapeProblem(info: BigIntStats, expectedSize: number): string | undefined {
  if (info.isSymbolicLink()) return 'is a symbolic link, not a stored copy';
  if (!info.isFile()) return 'is not a regular file';
  if (info.size !== BigInt(expectedSize)) return `is ${info.size} bytes, expected ${expectedSize}`;
  return undefined;
}
