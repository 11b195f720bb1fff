import { open } from 'node:fs/promises';

/** Makes new entries in `dir` durable. Some filesystems refuse to fsync directories; that only costs durability on power loss. */
export async function fsyncDirectory(dir: string): Promise<void> {
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
