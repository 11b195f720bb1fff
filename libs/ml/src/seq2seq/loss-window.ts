/** Where a training step logs its curves (a step context's `metrics`). */
export interface MetricLog {
  log(name: string, value: number, step: number): void;
}

/**
 * The training curve as a step logs it: the mean loss over each `every` steps (and over the last, shorter
 * window) with the learning rate at its end, so a long run's curve stays a few hundred points.
 */
export class LossWindow {
  #window: number[] = [];
  /** The mean of the last logged window (NaN before the first). */
  last = NaN;

  constructor(
    readonly metrics: MetricLog,
    readonly every: number,
    readonly totalSteps: number,
  ) {}

  /** `done` is the 1-based number of steps finished. */
  add(done: number, loss: number, lr: number): void {
    this.#window.push(loss);
    if (done % this.every !== 0 && done !== this.totalSteps) return;
    this.last = this.#window.reduce((a, b) => a + b, 0) / this.#window.length;
    this.#window = [];
    this.metrics.log('loss', this.last, done);
    this.metrics.log('lr', lr, done);
  }
}
