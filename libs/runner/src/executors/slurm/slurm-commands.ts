import { execFile } from 'node:child_process';

/** A Slurm command that failed: the argv, how it ended and what it printed, first line saying which. */
export class SlurmCommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number | string | undefined,
    readonly stderr: string,
  ) {
    const how = exitCode === 'ENOENT' ? 'is not installed here (is this a Slurm login node? see README "Running on Slurm")' : `exited with ${String(exitCode)}`;
    super(`${argv[0]} ${how}: ${stderr.trim().split('\n').slice(-5).join(' | ') || '(no output)'} [${argv.join(' ')}]`);
    this.name = 'SlurmCommandError';
  }
}

/** Runs a Slurm client command (never through a shell) and returns its stdout. */
export function slurmCommand(argv: readonly string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new SlurmCommandError(argv, (error as NodeJS.ErrnoException).code ?? error.signal ?? undefined, String(stderr)));
      else resolve(String(stdout));
    });
  });
}
