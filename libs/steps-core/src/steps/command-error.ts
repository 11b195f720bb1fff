/** How many stderr lines a failure message carries: enough for a Python traceback's tail. */
export const STDERR_TAIL_LINES = 20;

export interface CommandFailureDetails {
  readonly argv: readonly string[];
  readonly exitCode?: number | undefined;
  readonly signal?: string | undefined;
  readonly cancelled?: boolean;
  readonly stderrTail?: readonly string[];
  /** Shown when stderr is empty: some programs report errors on stdout. */
  readonly stdoutTail?: readonly string[];
  readonly cause?: unknown;
}

/** An external program failed. The first line of `message` says how; the rest is the program's last words. */
export class CommandFailedError extends Error {
  override readonly name = 'CommandFailedError';
  readonly argv: readonly string[];
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly stderrTail: readonly string[];
  readonly cancelled: boolean;

  /** `what` completes `command "<argv>" …`, e.g. `exited with code 3`. */
  constructor(what: string, details: CommandFailureDetails) {
    const stderrTail = details.stderrTail ?? [];
    super(`command ${quoteCommand(details.argv)} ${what}${formatTail(stderrTail, details.stdoutTail ?? [])}`, { cause: details.cause });
    this.argv = details.argv;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.stderrTail = stderrTail;
    this.cancelled = details.cancelled ?? false;
  }
}

function formatTail(stderr: readonly string[], stdout: readonly string[]): string {
  const [label, lines] = stderr.length > 0 ? ['stderr', stderr] : ['stdout (stderr was empty)', stdout];
  if (lines.length === 0) return '';
  return `\n--- last ${lines.length} line(s) of ${label} ---\n${lines.join('\n')}`;
}

/** `"python train.py --name 'a b'"`: for people to read, never to execute. */
export function quoteCommand(argv: readonly string[]): string {
  const words = argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`));
  return `"${words.join(' ')}"`;
}
