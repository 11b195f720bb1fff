// A `command` step's cache key must change when the code it runs changes, not only its argv: an edited
// train.py with the same arguments is new work (Snakemake's "code" rerun trigger, DVC's deps). The key
// gains the content digest of the program's script and of every file in `deps`, as environment facts, so
// `veriflow plan` says which file changed. Only the script is found by itself: other arguments that name
// files are often files the program writes (a log, a counter), whose digest would change the key under
// a running workflow.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename, isAbsolute } from 'node:path';

/** Files above this are fingerprinted by size and mtime instead of read: data passed by path can be huge. */
export const HASHED_FILE_LIMIT_BYTES = 64 * 1024 * 1024;

const CHUNK_BYTES = 1024 * 1024;

/** Programs whose first file argument is the code they run. */
const INTERPRETER = /^(python[0-9.]*|pypy[0-9.]*|sh|bash|dash|zsh|node|nodejs|deno|bun|Rscript|julia|perl|ruby|lua)$/;

/** Interpreter options after which the code is inline or a module, not a file argument. */
const INLINE_CODE = new Set(['-c', '-m', '-e', '--eval', '-p', '--print', '-']);

/**
 * The script a command runs: its program when that is a file named by absolute path and not an interpreter
 * (`${{ workflow.dir }}/train.sh`), else an interpreter's first argument that names an existing file by
 * absolute path (`python -u ${{ workflow.dir }}/train.py`); none for inline code (`sh -c`, `python -m`).
 */
export function commandScript(argv: readonly unknown[]): string | undefined {
  const [program, ...args] = argv.map(String);
  if (program === undefined) return undefined;
  if (!INTERPRETER.test(basename(program))) return isFile(program) ? program : undefined;
  for (const argument of args) {
    if (INLINE_CODE.has(argument)) return undefined;
    if (isFile(argument)) return argument;
  }
  return undefined;
}

/** `{ "<absolute path>": "sha256:<16 hex>" }` for the script and each of `deps` (`absent` for a missing one). */
export function commandCodeFacts(argv: readonly unknown[], deps: readonly unknown[]): Record<string, string> {
  const facts: Record<string, string> = {};
  const script = commandScript(argv);
  for (const path of [...(script === undefined ? [] : [script]), ...deps.map(String)]) {
    if (path in facts) continue;
    const stats = statSync(path, { throwIfNoEntry: false });
    facts[path] = !stats?.isFile()
      ? 'absent'
      : stats.size > HASHED_FILE_LIMIT_BYTES
        ? `size ${stats.size}, modified ${stats.mtime.toISOString()}`
        : `sha256:${digestOf(path)}`;
  }
  return facts;
}

function isFile(path: string): boolean {
  return isAbsolute(path) && statSync(path, { throwIfNoEntry: false })?.isFile() === true;
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
