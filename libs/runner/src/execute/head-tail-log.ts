/** Each instance log keeps at most this much unless VERIFLOW_MAX_LOG_BYTES says otherwise. */
export const DEFAULT_MAX_LOG_BYTES = 10 * 1024 * 1024;

/** VERIFLOW_MAX_LOG_BYTES, checked: a positive whole number of bytes. */
export function maxLogBytesFrom(env: Readonly<Record<string, string | undefined>>): number {
  const text = env.VERIFLOW_MAX_LOG_BYTES;
  if (text === undefined || text === '') return DEFAULT_MAX_LOG_BYTES;
  const bytes = Number(text);
  if (!Number.isSafeInteger(bytes) || bytes < 1024) {
    throw new Error(`VERIFLOW_MAX_LOG_BYTES is "${text}"; set it to a whole number of bytes, at least 1024 (default ${DEFAULT_MAX_LOG_BYTES}, 10 MiB), or unset it`);
  }
  return bytes;
}

/**
 * Bounds a log that a step may write without limit: the first half of the budget goes to the file as it
 * comes (how the run started), the second half keeps the latest lines in memory (how it ended), written
 * with a line saying how much was dropped in between when the log closes.
 */
export class HeadTailLog {
  readonly #tailLimit: number;
  #headLeft: number;
  #cut = false;
  readonly #tail: string[] = [];
  #tailStart = 0;
  #tailBytes = 0;
  #droppedLines = 0;
  #droppedBytes = 0;

  constructor(readonly limitBytes: number) {
    this.#headLeft = Math.floor(limitBytes / 2);
    this.#tailLimit = limitBytes - this.#headLeft;
  }

  /** What to write now for `text` (whole lines): the text itself while the head has room, later nothing. */
  take(text: string): string {
    const bytes = Buffer.byteLength(text);
    if (!this.#cut && bytes <= this.#headLeft) {
      this.#headLeft -= bytes;
      return text;
    }
    const notice = this.#cut ? '' : `… this log reached its limit of ${this.limitBytes} bytes (VERIFLOW_MAX_LOG_BYTES): its last ${this.#tailLimit} bytes follow when the step ends …\n`;
    this.#cut = true;
    this.#tail.push(text);
    this.#tailBytes += bytes;
    while (this.#tailBytes > this.#tailLimit) this.#dropOldest();
    return notice;
  }

  /** The end of the log: how much was dropped, then the kept tail. Empty when everything was written. */
  rest(): string {
    if (!this.#cut) return '';
    const kept = this.#tail.slice(this.#tailStart).join('');
    const marker = this.#droppedLines === 0 ? '' : `… ${this.#droppedLines} line(s), ${this.#droppedBytes} bytes, dropped here to keep the log under ${this.limitBytes} bytes …\n`;
    return marker + kept;
  }

  #dropOldest(): void {
    const oldest = this.#tail[this.#tailStart++]!;
    this.#tailBytes -= Buffer.byteLength(oldest);
    this.#droppedLines++;
    this.#droppedBytes += Buffer.byteLength(oldest);
    // Compact now and then instead of shifting on every line.
    if (this.#tailStart > 1024 && this.#tailStart * 2 > this.#tail.length) {
      this.#tail.splice(0, this.#tailStart);
      this.#tailStart = 0;
    }
  }
}
