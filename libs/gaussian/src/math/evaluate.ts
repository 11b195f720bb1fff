/**
 * Test accuracy of a homogeneous linear classifier sign(wᵀx) on the mixture.
 * Exact: wᵀx | y ~ N(y·wᵀμ, ‖w‖²), so P(sign(wᵀx) = y) = Φ(wᵀμ/‖w‖) for either class. This
 * replaces a test set (no sampling noise), and the empirical version exists to check it.
 */
import { dot, normalCdf } from '@veriflow/ml';

/** Φ(wᵀμ/‖w‖); 0.5 for w = 0 (a constant prediction is right half of the time). */
export function exactAccuracy(w: Float64Array, mu: Float64Array): number {
  if (w.length !== mu.length) throw new RangeError(`exactAccuracy: w has ${w.length} coordinates, mu has ${mu.length}`);
  const norm = Math.sqrt(dot(w, w));
  if (norm === 0) return 0.5;
  return normalCdf(dot(w, mu) / norm);
}

/** Share of rows (count×d, row-major) with sign(wᵀx) = label (sign(0) = +1, as the generators use). */
export function empiricalAccuracy(w: Float64Array, x: Float64Array, labels: ArrayLike<number>, count = labels.length): number {
  const d = w.length;
  if (x.length < count * d) throw new RangeError('empiricalAccuracy: x has fewer than count·d entries');
  if (count === 0) return NaN;
  let right = 0;
  for (let i = 0; i < count; i++) {
    const pred = dot(x, w, d, i * d, 0) >= 0 ? 1 : -1;
    if (pred === labels[i]) right++;
  }
  return right / count;
}

/** (acc_Bayes − acc)/acc_Bayes: the share of the achievable accuracy that was lost. */
export function relativeError(accuracy: number, bayesAccuracy: number): number {
  return (bayesAccuracy - accuracy) / bayesAccuracy;
}
