import { readdir } from 'node:fs/promises';
import { isErrno } from '@veriflow/durable-fs';

/** The names in `dir`; none when it does not exist yet (a fresh workspace). */
export async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
}
