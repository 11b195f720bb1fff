import type { TrackingEvent } from '../model.js';

// JSON has no NaN, Infinity or bigint: a diverged loss must survive the log as something replay can
// turn back into a number, not as null (what JSON.stringify would write) or an exception.
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** One event as one log line, newline included. */
export function encodeEvent(event: TrackingEvent): string {
  return `${JSON.stringify(event, replacer)}\n`;
}

/** Undoes the replacer's encoding of non-finite metric values. */
export function decodeNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  return Number.NaN;
}
