import { decimalsFor, formatTick } from './format.js';

export interface Tick {
  readonly value: number;
  readonly label: string;
}

export interface TickSet {
  /** The domain the ticks cover: the data range, widened to the outer ticks when `nice` was asked for. */
  readonly domain: readonly [number, number];
  readonly ticks: readonly Tick[];
}

/** The "nice" step closest to `raw` from above: 1, 2 or 5 times a power of ten. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const exponent = Math.floor(Math.log10(raw));
  const base = 10 ** exponent;
  const fraction = raw / base;
  const nice = fraction <= 1 + 1e-9 ? 1 : fraction <= 2 + 1e-9 ? 2 : fraction <= 5 + 1e-9 ? 5 : 10;
  return Number((nice * base).toPrecision(12));
}

/** A usable range: ordered, finite, and of non-zero width (a single value gets room around it). */
export function widen(min: number, max: number): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min > max) [min, max] = [max, min];
  if (max - min > Math.max(Math.abs(min), Math.abs(max)) * 1e-12) return [min, max];
  const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
  return [min - pad, max + pad];
}

/**
 * About `count` evenly spaced ticks on a 1-2-5 step covering [min, max]. With `nice` the domain grows to
 * the enclosing ticks (for axes); without it only ticks inside the range are kept (for colour bars).
 */
export function linearTicks(min: number, max: number, count = 5, nice = true): TickSet {
  const [lo, hi] = widen(min, max);
  const step = niceStep((hi - lo) / Math.max(1, count));
  const decimals = decimalsFor(step);
  const first = nice ? Math.floor(lo / step + 1e-9) : Math.ceil(lo / step - 1e-9);
  const last = nice ? Math.ceil(hi / step - 1e-9) : Math.floor(hi / step + 1e-9);
  const ticks: Tick[] = [];
  for (let i = first; i <= last; i++) {
    const value = Number((i * step).toFixed(decimals));
    ticks.push({ value: Object.is(value, -0) ? 0 : value, label: formatTick(value, decimals) });
  }
  const domain: [number, number] = nice ? [first * step, last * step] : [lo, hi];
  return { domain, ticks };
}

function powerLabel(mantissa: number, exponent: number): string {
  if (exponent >= -4 && exponent < 6) return (mantissa * 10 ** exponent).toFixed(Math.max(0, -exponent));
  return `${mantissa}e${exponent}`;
}

/**
 * Ticks for a log10 axis over positive [min, max]: powers of ten when the range spans at least two
 * decades (thinned to at most ~8 labels), else 1-2-5 or 1..9 multiples, else linear ticks within the range.
 */
export function logTicks(min: number, max: number): TickSet {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return logTicks(1, 10);
  if (min > max) [min, max] = [max, min];
  if (max / min < 1 + 1e-9) [min, max] = [min / 2, max * 2];
  const low = Math.floor(Math.log10(min) + 1e-9);
  const high = Math.ceil(Math.log10(max) - 1e-9);
  for (const multiples of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const candidates: { value: number; mantissa: number; exponent: number }[] = [];
    for (let e = low; e <= high; e++) {
      for (const m of multiples) candidates.push({ value: Number((m * 10 ** e).toPrecision(12)), mantissa: m, exponent: e });
    }
    const below = candidates.filter((c) => c.value <= min * (1 + 1e-9));
    const above = candidates.filter((c) => c.value >= max * (1 - 1e-9));
    const start = below[below.length - 1] ?? candidates[0]!;
    const end = above[0] ?? candidates[candidates.length - 1]!;
    const inside = candidates.filter((c) => c.value >= start.value && c.value <= end.value);
    if (inside.length < 3) continue;
    const stride = multiples.length === 1 ? Math.ceil(inside.length / 8) : 1;
    const ticks = inside
      .filter((c) => (c.exponent - start.exponent) % stride === 0)
      .map((c) => ({ value: c.value, label: powerLabel(c.mantissa, c.exponent) }));
    return { domain: [start.value, end.value], ticks };
  }
  // Less than a factor of ~2 between the ends: ordinary linear ticks read best.
  const linear = linearTicks(min, max, 4, true);
  if (linear.domain[0] > 0) return linear;
  return { domain: [min, max], ticks: linearTicks(min, max, 4, false).ticks.filter((t) => t.value > 0) };
}

/** Maps data values to pixels along one axis. */
export interface Scale {
  readonly log: boolean;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  readonly ticks: readonly Tick[];
  /** Pixel position of `value`, or NaN when it cannot be placed (non-finite, or not positive on a log axis). */
  map(value: number): number;
}

export function linearScale(ticks: TickSet, range: readonly [number, number]): Scale {
  const [d0, d1] = ticks.domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return {
    log: false,
    domain: ticks.domain,
    range,
    ticks: ticks.ticks,
    map: (value) => (Number.isFinite(value) ? r0 + ((value - d0) / span) * (r1 - r0) : Number.NaN),
  };
}

export function logScale(ticks: TickSet, range: readonly [number, number]): Scale {
  const l0 = Math.log10(ticks.domain[0]);
  const l1 = Math.log10(ticks.domain[1]);
  const [r0, r1] = range;
  const span = l1 - l0 || 1;
  return {
    log: true,
    domain: ticks.domain,
    range,
    ticks: ticks.ticks,
    map: (value) => (Number.isFinite(value) && value > 0 ? r0 + ((Math.log10(value) - l0) / span) * (r1 - r0) : Number.NaN),
  };
}
