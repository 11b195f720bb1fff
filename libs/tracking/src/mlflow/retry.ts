/** Retry policy: exponential backoff with jitter, `Retry-After`, and bounds on attempts and time. */
import { networkCode } from './errors.js';

export interface RetryOptions {
  /** Attempts in all, the first included (default 6). 1 disables retrying. */
  readonly maxAttempts?: number;
  /** Give up once this much time has passed since the first attempt (default 120 000 ms). */
  readonly maxElapsedMs?: number;
  /** Delay before the first retry, doubled each time (default 500 ms). */
  readonly baseDelayMs?: number;
  /** Largest backoff delay (default 15 000 ms). */
  readonly maxDelayMs?: number;
  /** Largest `Retry-After` honoured; longer requests give up at once (default 60 000 ms). */
  readonly maxRetryAfterMs?: number;
}

export type RetryPolicy = Required<RetryOptions>;

export const defaultRetry: RetryPolicy = {
  maxAttempts: 6,
  maxElapsedMs: 120_000,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 60_000,
};

export function retryPolicy(options: RetryOptions | undefined): RetryPolicy {
  const policy = { ...defaultRetry, ...options };
  if (!(policy.maxAttempts >= 1)) throw new RangeError(`retry.maxAttempts must be at least 1, got ${policy.maxAttempts}`);
  return policy;
}

/** Backoff before retry number `retry` (1 = first retry): `base * 2^(retry-1)`, capped, with equal jitter. */
export function backoffMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Statuses worth retrying: rate limiting and server-side failures. */
export function retryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

/** Statuses that say the request was not processed, so even a non-idempotent request may be resent. */
export function unprocessedStatus(status: number): boolean {
  return status === 429 || status === 503;
}

const connectCodes = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const ambiguousCodes = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_ABORTED',
  'ECONNABORTED',
]);

/**
 * Classifies a thrown fetch error: `connect` (never reached the server: safe to resend),
 * `ambiguous` (may have been applied), or undefined (not a network failure; do not retry).
 */
export function classifyNetworkError(error: unknown): 'connect' | 'ambiguous' | undefined {
  const code = networkCode(error);
  if (code !== undefined && connectCodes.has(code)) return 'connect';
  if (code !== undefined && ambiguousCodes.has(code)) return 'ambiguous';
  // undici reports some socket failures as a bare `TypeError: fetch failed` / `terminated`.
  if (error instanceof TypeError && /fetch failed|terminated/i.test(error.message)) return 'ambiguous';
  return undefined;
}
