import { setTimeout as delay } from 'node:timers/promises';
import { STOP_GRACE_MS } from '@veriflow/step-api';

/** A stopped step's grace, plus time for the SIGKILL that ends it to take effect. */
const SETTLE_MS = STOP_GRACE_MS + 2000;
const noop = (): void => undefined;

/** Why an attempt was stopped from outside. */
export class AttemptTimeoutError extends Error {
  /** `stepError` is what the step threw when it noticed the abort (e.g. a command's stderr tail). */
  constructor(
    readonly timeoutMs: number,
    stepError?: unknown,
  ) {
    const detail = stepError instanceof Error && !(stepError instanceof AttemptTimeoutError) ? `; the step then reported: ${stepError.message}` : '';
    super(`timed out after ${formatMs(timeoutMs)}${detail}`, stepError === undefined ? undefined : { cause: stepError });
    this.name = 'AttemptTimeoutError';
  }
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  // Round once, so 119.5s is 2m00s and never 1m60s.
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/**
 * Runs one attempt under the run's signal and an optional timeout. The step sees a signal that aborts on
 * either; if it ignores the signal we stop waiting for it anyway, so a hung step cannot hang the run.
 */
export async function runAttempt<T>(runSignal: AbortSignal, timeoutMs: number | undefined, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const stopped = new Promise<never>((_, reject) => {
    const onRunAbort = (): void => {
      controller.abort(new CancelledError());
      reject(new CancelledError());
    };
    if (runSignal.aborted) onRunAbort();
    else runSignal.addEventListener('abort', onRunAbort, { once: true });
    controller.signal.addEventListener('abort', () => runSignal.removeEventListener('abort', onRunAbort), { once: true });
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        const error = new AttemptTimeoutError(timeoutMs);
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    }
  });
  stopped.catch(() => undefined);
  const work = body(controller.signal);
  work.catch(() => undefined);
  try {
    return await Promise.race([work, stopped]);
  } catch (error) {
    // Let a cooperative step (a command stopping its programs) wind down before a retry starts or the run ends.
    if (controller.signal.aborted) {
      // Cancel the grace timer once the step is done, or it keeps the process alive for SETTLE_MS after the run.
      const grace = new AbortController();
      await Promise.race([work.then(noop, noop), delay(SETTLE_MS, undefined, { signal: grace.signal }).catch(noop)]);
      grace.abort();
    }
    // A step that reacts to the timeout with an error of its own still timed out: say so, keep its message.
    if (controller.signal.reason instanceof AttemptTimeoutError && !(error instanceof AttemptTimeoutError)) throw new AttemptTimeoutError(timeoutMs!, error);
    throw error;
  } finally {
    if (timer) clearTimeout(timer);
    if (!controller.signal.aborted) controller.abort(new Error('attempt finished'));
  }
}
