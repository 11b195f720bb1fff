/** One point of an accuracy-vs-error-rate curve. */
export interface CurvePoint {
  readonly x: number;
  readonly y: number;
}

export interface Transition {
  readonly series: string;
  /** Where the (seed-averaged) curve first falls through `level`, linearly interpolated; null if it never does. */
  readonly measured: number | null;
  readonly predicted: number;
  /** |measured − predicted|, or how far the prediction lies inside the grid when no crossing was seen. */
  readonly error: number;
  readonly within: boolean;
}

/** Averages repeated x (several seeds) and sorts by x. */
export function averageCurve(points: readonly CurvePoint[]): CurvePoint[] {
  const byX = new Map<number, number[]>();
  for (const point of points) byX.set(point.x, [...(byX.get(point.x) ?? []), point.y]);
  return [...byX.entries()].map(([x, ys]) => ({ x, y: ys.reduce((a, b) => a + b, 0) / ys.length })).sort((a, b) => a.x - b.x);
}

/** The first downward crossing of `level`, interpolated between the two grid points around it. */
export function firstCrossing(curve: readonly CurvePoint[], level: number): number | null {
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    if (a.y >= level && b.y < level) return a.x + ((a.y - level) / (a.y - b.y)) * (b.x - a.x);
  }
  return null;
}

/**
 * Compares a measured transition with the predicted breakdown point. A curve that never crosses is
 * consistent only if the prediction lies outside the grid (e.g. the oracle's p* = 1), within tolerance.
 */
export function compareTransition(series: string, curve: readonly CurvePoint[], predicted: number, level: number, tolerance: number): Transition {
  const measured = firstCrossing(curve, level);
  if (measured !== null) {
    const error = Math.abs(measured - predicted);
    return { series, measured, predicted, error, within: error <= tolerance };
  }
  const first = curve[0];
  const last = curve[curve.length - 1];
  if (!first || !last) return { series, measured: null, predicted, error: Infinity, within: false };
  // Always above the level: the transition is beyond the grid's last point; always below: before its first.
  const error = first.y >= level ? Math.max(0, last.x - predicted) : Math.max(0, predicted - first.x);
  return { series, measured: null, predicted, error, within: error <= tolerance };
}
