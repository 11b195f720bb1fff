import { open } from 'node:fs/promises';

/** Follows a file another host appends to (a job's output), handing over each complete line once. */
export class OutputTail {
  #offset = 0;
  #partial = '';

  constructor(
    readonly path: string,
    readonly onLine: (line: string) => void,
  ) {}

  /** Reads what was appended since the last call; `final` also hands over a last line without a newline. */
  async poll(final = false): Promise<void> {
    const handle = await open(this.path, 'r').catch(() => undefined);
    if (handle) {
      try {
        const buffer = Buffer.alloc(64 * 1024);
        for (;;) {
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.#offset);
          if (bytesRead === 0) break;
          this.#offset += bytesRead;
          this.#partial += buffer.subarray(0, bytesRead).toString('utf8');
          const lines = this.#partial.split('\n');
          this.#partial = lines.pop()!;
          lines.forEach(this.onLine);
        }
      } finally {
        await handle.close();
      }
    }
    if (final && this.#partial !== '') {
      this.onLine(this.#partial);
      this.#partial = '';
    }
  }
}
