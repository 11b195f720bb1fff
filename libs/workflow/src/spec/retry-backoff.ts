import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceDocument } from '../source/index.js';
import { durationToMs } from './duration.js';
import type { RetryBackoff, WorkflowSpec } from './workflow-spec.js';

/** Without `retry-backoff`: a transient failure (a busy file server, a GPU still being freed) gets a moment. */
export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { delayMs: 1_000, factor: 2, maxDelayMs: 600_000 };

type RawBackoff = number | string | { readonly delay?: number | string; readonly factor?: number; readonly 'max-delay'?: number | string };

/** `retry-backoff` as written (a duration, or `{ delay, factor, max-delay }`) → the spec; the schema has checked its form. */
export function toRetryBackoff(raw: RawBackoff | undefined): RetryBackoff {
  if (raw === undefined) return DEFAULT_RETRY_BACKOFF;
  const form = typeof raw === 'object' ? raw : { delay: raw };
  const delayMs = form.delay === undefined ? DEFAULT_RETRY_BACKOFF.delayMs : durationToMs(form.delay);
  return {
    delayMs,
    factor: form.factor ?? DEFAULT_RETRY_BACKOFF.factor,
    // A first delay above the default cap raises the cap: `retry-backoff: 1h` means what it says.
    maxDelayMs: form['max-delay'] === undefined ? Math.max(DEFAULT_RETRY_BACKOFF.maxDelayMs, delayMs) : durationToMs(form['max-delay']),
  };
}

/** The wait before attempt `failed + 1`: `delay × factor^(failed − 1)`, at most `max-delay`. */
export function retryDelayMs(backoff: RetryBackoff, failed: number): number {
  return Math.min(backoff.maxDelayMs, backoff.delayMs * backoff.factor ** (failed - 1));
}

/** A `max-delay` below the first delay would silently shorten it: say so at the value instead. */
export function checkRetryBackoffs(spec: WorkflowSpec, doc: SourceDocument): Diagnostic[] {
  return spec.steps.flatMap((step): Diagnostic[] =>
    step.retryBackoff.maxDelayMs >= step.retryBackoff.delayMs
      ? []
      : [
          {
            code: 'INVALID_VALUE',
            span: doc.locate(['steps', step.id, 'retry-backoff', 'max-delay']),
            message: `max-delay ${step.retryBackoff.maxDelayMs / 1000}s of steps.${step.id}.retry-backoff is shorter than its delay ${step.retryBackoff.delayMs / 1000}s`,
            hint: 'Make max-delay at least the delay (it caps the waits that grow by factor), or lower the delay.',
          },
        ],
  );
}
