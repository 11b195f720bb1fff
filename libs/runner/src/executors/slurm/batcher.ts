/** How long a batch stays open for more items of its group. */
export interface BatchWindow {
  /** Closes a batch this long after its last item arrived. */
  readonly quietMs: number;
  /** ... or this long after its first, whichever comes first, so a steady trickle still gets submitted. */
  readonly maxWaitMs: number;
  /** ... or at once when it holds this many. */
  readonly maxSize: number;
}

interface Waiting<T, R> {
  readonly item: T;
  readonly resolve: (result: R | Promise<R>) => void;
  readonly reject: (error: unknown) => void;
}

interface OpenBatch<T, R> {
  readonly waiting: Waiting<T, R>[];
  readonly openedAt: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Gathers items that arrive together (within the window) by group and hands each group over as one batch:
 * `flush` gets the batch and returns one result (or promise of one) per item, in order. Each `add` settles
 * as its item's result does, or rejects with why the whole batch failed.
 */
export class Batcher<T, R> {
  readonly #open = new Map<string, OpenBatch<T, R>>();

  constructor(
    readonly window: BatchWindow,
    readonly groupOf: (item: T) => string,
    readonly flush: (items: readonly T[]) => Promise<readonly (R | Promise<R>)[]>,
  ) {}

  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      const group = this.groupOf(item);
      let batch = this.#open.get(group);
      if (!batch) {
        batch = { waiting: [], openedAt: Date.now(), timer: undefined };
        this.#open.set(group, batch);
      }
      batch.waiting.push({ item, resolve, reject });
      clearTimeout(batch.timer);
      const { quietMs, maxWaitMs, maxSize } = this.window;
      const closing = batch;
      // A full batch takes no more items from now on; the next one of its group opens another.
      if (batch.waiting.length >= maxSize) this.#close(group, closing);
      else batch.timer = setTimeout(() => this.#close(group, closing), Math.max(0, Math.min(quietMs, batch.openedAt + maxWaitMs - Date.now())));
    });
  }

  #close(group: string, batch: OpenBatch<T, R>): void {
    if (this.#open.get(group) === batch) this.#open.delete(group);
    const { waiting } = batch;
    this.flush(waiting.map((entry) => entry.item)).then(
      (results) => waiting.forEach((entry, index) => entry.resolve(results[index]!)),
      (error: unknown) => waiting.forEach((entry) => entry.reject(error)),
    );
  }
}
