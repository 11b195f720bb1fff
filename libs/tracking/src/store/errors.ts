/**
 * A run id (or prefix) that names no run, or several: the CLI turns this into a usage error (exit 2),
 * so the message must be enough to fix the command line.
 */
export class RunLookupError extends Error {
  constructor(
    message: string,
    readonly query: string,
    /** Run ids the user may have meant (all matches when ambiguous, the newest runs when nothing matched). */
    readonly candidates: readonly string[],
  ) {
    super(message);
    this.name = 'RunLookupError';
  }
}

/** A run directory that exists but cannot be read back as a run (e.g. killed before its first event reached the disk). */
export class CorruptRunError extends Error {
  constructor(
    message: string,
    readonly runId: string,
  ) {
    super(message);
    this.name = 'CorruptRunError';
  }
}
