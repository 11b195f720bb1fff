import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

export interface HashedFile {
  readonly hex: string;
  readonly size: number;
}

/**
 * Hashes a file without following a symbolic link (ELOOP instead), through one open handle, so the
 * `stat` reported (taken before reading) belongs to the bytes that were hashed.
 */
export async function hashFile(path: string): Promise<HashedFile & { readonly stat: BigIntStats }> {
  const input = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stat = await input.stat({ bigint: true });
    return { ...(await pump(input)), stat };
  } finally {
    await input.close();
  }
}

/** Copies `src` to a new file `dest` while hashing, so a large artifact is read only once. A link `src` is followed: its target's bytes are copied. */
export async function copyHashing(src: string, dest: string): Promise<HashedFile> {
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

/** Sets the mode of `path` itself: a symbolic link there fails (ELOOP) instead of changing its target. */
export async function chmodNoFollow(path: string, mode: number): Promise<void> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}

async function pump(input: FileHandle, output?: FileHandle): Promise<HashedFile> {
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
