/**
 * Okabe & Ito's colour-blind-safe palette, ordered for contrast on white (yellow, the faintest, last).
 * Beyond eight series the colours repeat with a different marker shape and dash pattern.
 */
export const OKABE_ITO = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'] as const;

export function seriesColor(index: number): string {
  return OKABE_ITO[index % OKABE_ITO.length]!;
}

/** Line dash patterns: solid for the first round of colours, then dashed variants. */
export function seriesDash(index: number): string | undefined {
  const round = Math.floor(index / OKABE_ITO.length);
  return round === 0 ? undefined : (['7 3', '2 2', '7 2 2 2'][(round - 1) % 3] as string);
}

/** Viridis (matplotlib's default sequential map) sampled at 11 evenly spaced points from 0 to 1. */
export const VIRIDIS = [
  '#440154', '#482576', '#414487', '#35608D', '#2A788E', '#21908C', '#22A884', '#43BF71', '#7AD151', '#BBDF27', '#FDE725',
] as const;

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function hex(channels: readonly number[]): string {
  return `#${channels.map((c) => Math.round(Math.min(255, Math.max(0, c))).toString(16).padStart(2, '0')).join('').toUpperCase()}`;
}

/** Viridis at `t` in [0, 1] (clamped), interpolated linearly between the samples. */
export function viridis(t: number): string {
  const clamped = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const position = clamped * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(position));
  const f = position - i;
  const a = rgb(VIRIDIS[i]!);
  const b = rgb(VIRIDIS[i + 1]!);
  return hex(a.map((c, k) => c + (b[k]! - c) * f));
}

/** WCAG relative luminance of a `#RRGGBB` colour, 0 (black) to 1 (white). */
export function luminance(color: string): number {
  const [r, g, b] = rgb(color).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Text colour readable on `background`. */
export function textColorOn(background: string): string {
  return luminance(background) > 0.3 ? '#000000' : '#FFFFFF';
}

export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond' | 'triangle-down' | 'cross';
export const MARKER_SHAPES: readonly MarkerShape[] = ['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'cross'];

export function seriesShape(index: number): MarkerShape {
  return MARKER_SHAPES[index % MARKER_SHAPES.length]!;
}
