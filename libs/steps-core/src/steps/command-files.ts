// A `command` step's cache key must change when the script it runs changes, not only its argv: an edited
// train.py with the same arguments is new work (Snakemake's "code" rerun trigger, DVC's deps). Every
// argument that names an existing file by absolute path (`${{ workflow.dir }}/train.py` does) adds
// its content digest to the key as an environment fact, so `veriflow plan` says which file changed.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';

/** Files above this are fingerprinted by size and mtime instead of read: data passed by path can be huge. */
export const HASHED_FILE_LIMIT_BYTES = 64 * 1024 * 1024;

const CHUNK_BYTES = 1024 * 1024;

/** `{ "<absolute path>": "sha256:<16 hex>" }` for each argument naming an existing regular file. */
export function commandFileFacts(argv: readonly unknown[]): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const argument of argv) {
    if (typeof argument !== 'string' || !isAbsolute(argument) || argument in facts) continue;
    const stats = statSync(argument, { throwIfNoEntry: false });
    if (!stats?.isFile()) continue;
    facts[argument] =
      stats.size > HASHED_FILE_LIMIT_BYTES ? `size ${stats.size}, modified ${stats.mtime.toISOString()}` : `sha256:${digestOf(argument)}`;
  }
  return facts;
}

function digestOf(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = openSync(path, 'r');
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex').slice(0, 16);
}
