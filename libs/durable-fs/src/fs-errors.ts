import { accessSync, constants, existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { isTempFileName } from './temp-names.js';

/** Errno codes that mean the file system refused a write, not that the program is wrong. */
type RefusalCode = 'ENOSPC' | 'EDQUOT' | 'EROFS' | 'EACCES' | 'EPERM' | 'EIO';

const SENTENCES: Record<RefusalCode, (path: string) => string> = {
  ENOSPC: (path) => `no space left on the device holding ${path}; free some space (or pass --workspace on a larger disk) and run again`,
  EDQUOT: (path) => `disk quota exceeded on the device holding ${path}; free some space or raise the quota, then run again`,
  EROFS: (path) => `${path} is on a read-only file system; remount it read-write or pass --workspace on a writable disk`,
  EACCES: (path) => `permission denied writing ${path}; make it writable for this user or pass --workspace elsewhere`,
  EPERM: (path) => `operation not permitted on ${path}; make it writable for this user or pass --workspace elsewhere`,
  EIO: (path) => `input/output error on the device holding ${path}; check the disk (dmesg) before running again`,
};

/** A write the file system refused, with the path it was refused for and a sentence saying what to do. */
export class FileSystemError extends Error {
  override readonly name = 'FileSystemError';

  constructor(
    readonly code: RefusalCode,
    readonly path: string,
    cause: unknown,
  ) {
    super(SENTENCES[code](path), { cause });
  }
}

interface ErrnoLike {
  readonly code: string;
  readonly syscall?: string;
  readonly path?: string;
  readonly dest?: string;
}

function errnoOf(error: unknown): ErrnoLike | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? (error as ErrnoLike) : undefined;
}

/**
 * Why a recursive mkdir said ENOENT: Node reports ENOENT when it cannot create a missing ancestor, even
 * when the real cause is a read-only or unwritable file system. The nearest existing ancestor tells.
 */
function mkdirCause(path: string): RefusalCode | undefined {
  let ancestor = dirname(path);
  while (!existsSync(ancestor) && dirname(ancestor) !== ancestor) ancestor = dirname(ancestor);
  try {
    accessSync(ancestor, constants.W_OK);
    return undefined;
  } catch (error) {
    const code = errnoOf(error)?.code;
    return code !== undefined && code in SENTENCES ? (code as RefusalCode) : undefined;
  }
}

/**
 * The FileSystemError behind `error`, or undefined when it is not a refused write. `path` names the file
 * when the error does not (writes through a handle or a stream carry no path) or names only one of our
 * temp files, which mean nothing to the user; otherwise the error's own path wins (for a copy or a
 * rename, its destination: that is where the write was refused).
 */
export function fileSystemError(error: unknown, path?: string): FileSystemError | undefined {
  if (error instanceof FileSystemError) return error;
  const errno = errnoOf(error);
  const named = errno?.dest ?? errno?.path;
  const own = named !== undefined && !isTempFileName(basename(named)) ? named : undefined;
  const where = own ?? path ?? named;
  if (!errno || where === undefined) return undefined;
  if (errno.code in SENTENCES) return new FileSystemError(errno.code as RefusalCode, where, error);
  const hidden = errno.code === 'ENOENT' && errno.syscall === 'mkdir' ? mkdirCause(where) : undefined;
  return hidden ? new FileSystemError(hidden, where, error) : undefined;
}

/** Runs `body`; a refused write comes out as a FileSystemError naming `path` (or the error's own path). */
export async function namingRefusals<T>(path: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw fileSystemError(error, path) ?? error;
  }
}
