/**
 * Test accuracy of a homogeneous linear classifier sign(wᵀx) on the mixture.
 * Exact: wᵀx | y ~ N(y·wᵀμ, ‖w‖²), so P(sign(wᵀx) = y) = Φ(wᵀμ/‖w‖) for either class. This
 * replaces a test set (no sampling noise), and the empirical version exists to check it.
 */
import { dot, normalCdf } from '@veriflow/ml';
import { quadraticForm } from './covariance.js';
import type { Covariance, Distribution } from './types.js';

/**
 * Φ(wᵀμ/‖w‖); 0.5 for w = 0 (a constant prediction is right half of the time). With a covariance Σ,
 * wᵀx | y ~ N(y·wᵀμ, wᵀΣw), so the accuracy is Φ(wᵀμ/√(wᵀΣw)).
 */
export function exactAccuracy(w: Float64Array, mu: Float64Array, covariance?: Covariance): number {
  if (w.length !== mu.length) throw new RangeError(`exactAccuracy: w has ${w.length} coordinates, mu has ${mu.length}`);
  const norm = Math.sqrt(quadraticForm(covariance, w));
  if (norm === 0) return 0.5;
  return normalCdf(dot(w, mu) / norm);
}

/**
 * Accuracy of sign(wᵀx) on the halfspace variant (x ~ N(0, I), y = sign(w*ᵀx)): 1 − θ/π with θ the
 * angle between w and w* (two hyperplanes through the origin disagree on a 2θ/2π share of directions).
 * 0.5 for w = 0.
 */
export function halfspaceAccuracy(w: Float64Array, wStar: Float64Array): number {
  if (w.length !== wStar.length) throw new RangeError(`halfspaceAccuracy: w has ${w.length} coordinates, w* has ${wStar.length}`);
  const nw = Math.sqrt(dot(w, w));
  const ns = Math.sqrt(dot(wStar, wStar));
  if (nw === 0 || ns === 0) return 0.5;
  return 1 - Math.acos(Math.max(-1, Math.min(1, dot(w, wStar) / (nw * ns)))) / Math.PI;
}

/** The exact accuracy of sign(wᵀx) on the real distribution, whichever it is. */
export function distributionAccuracy(w: Float64Array, problem: { mu: Float64Array; covariance?: Covariance | undefined; distribution?: Distribution | undefined }): number {
  return problem.distribution === 'halfspace' ? halfspaceAccuracy(w, problem.mu) : exactAccuracy(w, problem.mu, problem.covariance);
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
