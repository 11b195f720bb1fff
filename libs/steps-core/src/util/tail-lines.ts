/** Longest line kept; a program that never prints a newline must not grow memory without bound. */
export const MAX_LINE_CHARS = 16 * 1024;

/**
 * Splits a text stream into lines as a terminal would show them: `\r\n` ends a line, and a
 * bare `\r` (progress bars) rewinds it, so only the last redraw survives.
 */
export class LineSplitter {
  #pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const parts = (this.#pending + chunk).split('\n');
    this.#pending = parts.pop() ?? '';
    for (const part of parts) this.onLine(lastRedraw(part.endsWith('\r') ? part.slice(0, -1) : part));
    // Drop overwritten redraws now, but keep a trailing `\r` that may be half of a `\r\n`.
    const rewind = this.#pending.lastIndexOf('\r', this.#pending.length - 2);
    if (rewind >= 0) this.#pending = this.#pending.slice(rewind + 1);
    while (this.#pending.length > MAX_LINE_CHARS) {
      this.onLine(`${this.#pending.slice(0, MAX_LINE_CHARS)}… [line truncated]`);
      this.#pending = this.#pending.slice(MAX_LINE_CHARS);
    }
  }

  /** Emits the unterminated last line, if any. */
  end(): void {
    const rest = lastRedraw(this.#pending.endsWith('\r') ? this.#pending.slice(0, -1) : this.#pending);
    this.#pending = '';
    if (rest !== '') this.onLine(rest);
  }
}

function lastRedraw(line: string): string {
  const rewind = line.lastIndexOf('\r');
  return rewind < 0 ? line : line.slice(rewind + 1);
}

/** The last `limit` lines pushed, in a fixed-size ring. */
export class TailLines {
  readonly #ring: string[] = [];
  #next = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`TailLines limit must be a positive integer, got ${limit}`);
  }

  push(line: string): void {
    if (this.#ring.length < this.limit) this.#ring.push(line);
    else this.#ring[this.#next] = line;
    this.#next = (this.#next + 1) % this.limit;
  }

  lines(): string[] {
    return this.#ring.length < this.limit ? [...this.#ring] : [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
  }
}
