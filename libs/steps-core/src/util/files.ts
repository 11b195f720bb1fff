import { copyFile, readdir, rename, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';

/** Renames when possible (cheap for big checkpoints); copies across filesystems, where rename gives EXDEV. */
export async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(from, to);
    await rm(from, { force: true });
  }
}

/** Files under `dir`, relative to it, breadth-first; at most `limit`, for error messages. */
export async function listFiles(dir: string, limit = 50): Promise<{ files: string[]; truncated: boolean }> {
  const files: string[] = [];
  const queue = [dir];
  for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
    const entries = await readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) queue.push(path);
      else if (files.length < limit) files.push(relative(dir, path));
      else return { files, truncated: true };
    }
  }
  return { files, truncated: false };
}

export function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
