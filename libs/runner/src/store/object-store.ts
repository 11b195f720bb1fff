import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, isErrno } from '@veriflow/durable-fs';
import { formatDigest, parseDigest } from './digest.js';

export interface StoredObject {
  /** `sha256:<hex>` */
  readonly digest: string;
  readonly size: number;
  /** Where the object lives; read-only, never modify it. */
  readonly path: string;
}

/**
 * Content-addressed files at `<root>/<first 2 hex>/<remaining 62 hex>`. An object path only ever
 * holds complete content: files are staged elsewhere and renamed into place, so concurrent
 * processes storing the same content simply overwrite each other with identical bytes.
 */
export class ObjectStore {
  readonly root: string;
  /** Staging directory; must be on the same filesystem as `root` for the final rename. */
  readonly stagingDir: string;

  constructor(root: string, options: { stagingDir?: string } = {}) {
    this.root = root;
    this.stagingDir = options.stagingDir ?? join(root, '.staging');
  }

  pathOf(digest: string): string {
    const hex = parseDigest(digest);
    return join(this.root, hex.slice(0, 2), hex.slice(2));
  }

  /** Whether the object file exists (cheap; does not re-hash). Synchronous so a forgotten `await` cannot turn it into an always-true promise. */
  has(digest: string): boolean {
    return existsSync(this.pathOf(digest));
  }

  /** Size of a stored object, or undefined when it is missing. */
  sizeOf(digest: string): number | undefined {
    try {
      return statSync(this.pathOf(digest)).size;
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return undefined;
      throw error;
    }
  }

  /**
   * Stores the file at `srcPath`. With `move`, the source is renamed into the store when it is on the
   * same filesystem (no copy) and is gone afterwards either way; without it, the source is untouched.
   */
  async putFile(srcPath: string, options: { move?: boolean } = {}): Promise<StoredObject> {
    await mkdir(this.stagingDir, { recursive: true });
    const staged = join(this.stagingDir, `.put.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      let hashed: { hex: string; size: number } | undefined;
      if (options.move) {
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
      }
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
   * Re-hashes the object. A missing or corrupt object returns false, and a corrupt one is deleted
   * so that the next run recomputes it instead of trusting it.
   */
  async verify(digest: string): Promise<boolean> {
    const path = this.pathOf(digest);
    let hashed: { hex: string; size: number; ino: number };
    try {
      hashed = await hashFile(path);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return false;
      throw error;
    }
    if (hashed.hex === parseDigest(digest)) return true;
    // Only delete the file we hashed: another process may have just renamed a good copy into place.
    const current = await stat(path).catch(() => undefined);
    if (current?.ino === hashed.ino) await unlink(path).catch(() => undefined);
    return false;
  }

  private async commit(staged: string, hex: string, size: number): Promise<StoredObject> {
    const digest = formatDigest(hex);
    const path = this.pathOf(digest);
    // A truncated object (wrong size) is replaced; a same-size corruption is `verify`'s job.
    const existing = await stat(path).catch(() => undefined);
    if (existing?.isFile() && existing.size === size) return { digest, size, path };
    const dir = join(this.root, hex.slice(0, 2));
    await mkdir(dir, { recursive: true });
    await chmod(staged, 0o444);
    await rename(staged, path);
    await fsyncDir(dir);
    return { digest, size, path };
  }
}

/** Hashes a file through an open handle, so the inode reported is the one whose bytes were hashed. */
async function hashFile(path: string): Promise<{ hex: string; size: number; ino: number }> {
  const input = await open(path, 'r');
  try {
    const { ino } = await input.stat();
    return { ...(await pump(input)), ino };
  } finally {
    await input.close();
  }
}

/** Copies `src` to a new file `dest` while hashing, so a large artifact is read only once. */
async function copyHashing(src: string, dest: string): Promise<{ hex: string; size: number }> {
  const input = await open(src, 'r');
  try {
    const output = await open(dest, 'wx');
    try {
      const result = await pump(input, output);
      await output.sync();
      return result;
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

async function pump(input: FileHandle, output?: FileHandle): Promise<{ hex: string; size: number }> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let size = 0;
  for (;;) {
    const { bytesRead } = await input.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    const chunk = buffer.subarray(0, bytesRead);
    hash.update(chunk);
    size += bytesRead;
    for (let offset = 0; output && offset < bytesRead; ) {
      offset += (await output.write(chunk, offset, bytesRead - offset)).bytesWritten;
    }
  }
  return { hex: hash.digest('hex'), size };
}
