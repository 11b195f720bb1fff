/**
 * Number and label formatting for charts. Everything here is deterministic: `Number#toString` and
 * `Number#toFixed` are fully specified by ECMAScript, so the same input gives the same bytes on every
 * machine and Node version (no locale-dependent `toLocaleString`, no `Intl`).
 */

/** A coordinate in SVG user units: at most 2 decimals, no trailing zeros, no `-0`. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return '0';
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** Decimals needed to show multiples of `step` exactly (0.2 → 1, 0.05 → 2, 5 → 0). */
export function decimalsFor(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  return Math.max(0, Math.min(12, -Math.floor(Math.log10(step) + 1e-9)));
}

function trimExponential(value: number, digits: number): string {
  const [mantissa = '0', exponent = '0'] = value.toExponential(digits).split('e');
  const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
  return `${m}e${Number(exponent)}`;
}

/** A tick label: fixed decimals for ordinary magnitudes, `2e-5` style for very small or large ones. */
export function formatTick(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return '';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-4)) return trimExponential(value, 3);
  const text = value.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** A data value for annotations and labels: up to `significant` significant digits, trailing zeros dropped. */
export function formatValue(value: number, significant = 3): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-4) return trimExponential(value, Math.max(0, significant - 1));
  const decimals = Math.max(0, Math.min(12, significant - 1 - Math.floor(Math.log10(abs))));
  const text = value.toFixed(decimals);
  const trimmed = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  return trimmed === '-0' ? '0' : trimmed;
}

const BARE = /^[A-Za-z0-9_.+-]+$/;

function compact(value: unknown, nested: boolean): string {
  if (typeof value === 'string') return !nested || BARE.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => compact(item, true)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${key}:${compact(item, true)}`)
      .join(',')}}`;
  }
  return String(value);
}

/**
 * Compact text for a value used as a label: strings as they are, numbers via `String`, objects and arrays
 * the way instance names show matrix values (`{phi:0.9,psi:0.3}`).
 */
export function labelOf(value: unknown): string {
  return compact(value, false);
}

/** Shortens `text` to at most `max` characters, ending in an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}
