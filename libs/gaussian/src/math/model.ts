/**
 * The data model of the paper's theory: y ∈ {−1, +1} uniform, x | y ~ N(y·μ, I_d).
 * The Bayes classifier is sign(μᵀx), with accuracy Φ(‖μ‖).
 */
import type { Rng } from '@veriflow/step-api';
import { NormalSource, dot, normalCdf, normalQuantile } from '@veriflow/ml';

export type MeanDirection = 'random' | 'e1';

/**
 * μ with ‖μ‖ = muNorm. 'random' (needs rng) draws a uniformly random direction, so that no
 * coordinate is special; 'e1' puts it along the first axis, which makes hand-checks easy. Every
 * estimator here is rotation-equivariant, so the choice changes no distribution of accuracies.
 */
export function meanVector(dim: number, muNorm: number, rng?: Rng, direction: MeanDirection = rng ? 'random' : 'e1'): Float64Array {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`meanVector: dim ${dim} must be a positive integer`);
  if (!(muNorm >= 0)) throw new RangeError(`meanVector: norm ${muNorm} must be non-negative`);
  const mu = new Float64Array(dim);
  if (direction === 'e1') {
    mu[0] = muNorm;
    return mu;
  }
  if (!rng) throw new Error("meanVector: direction 'random' needs an rng");
  return scaleToNorm(randomDirection(dim, rng), muNorm);
}

/** Uniform on the unit sphere (normalised Gaussian vector). */
export function randomDirection(dim: number, rng: Rng): Float64Array {
  const v = new Float64Array(dim);
  const src = NormalSource.fromRng(rng);
  let norm = 0;
  while (norm === 0) {
    src.fill(v);
    norm = norm2(v);
  }
  return scaleToNorm(v, 1);
}

export function norm2(v: Float64Array): number {
  return Math.sqrt(dot(v, v));
}

export function scaleToNorm(v: Float64Array, norm: number): Float64Array {
  const current = norm2(v);
  if (current === 0) throw new RangeError('scaleToNorm: zero vector has no direction');
  for (let i = 0; i < v.length; i++) v[i] = ((v[i] as number) / current) * norm;
  return v;
}

/** ‖μ‖ whose Bayes accuracy is acc: Φ⁻¹(acc) (0.94 → 1.5548). */
export function muNormForBayesAccuracy(acc: number): number {
  if (!(acc >= 0.5 && acc < 1)) throw new RangeError(`muNormForBayesAccuracy: accuracy ${acc} must be in [0.5, 1)`);
  return normalQuantile(acc);
}

/** Φ(‖μ‖). */
export function bayesAccuracy(muNorm: number): number {
  return normalCdf(muNorm);
}

/** A unit vector orthogonal to mu: random (with rng) or the first axis not parallel to mu, orthogonalised. */
export function orthogonalUnit(mu: Float64Array, rng?: Rng): Float64Array {
  const d = mu.length;
  if (d < 2) throw new RangeError('orthogonalUnit: needs dim ≥ 2');
  const muNorm = norm2(mu);
  const e = new Float64Array(d);
  for (let attempt = 0; attempt < 2 * d + 10; attempt++) {
    if (rng) e.set(randomDirection(d, rng));
    else {
      e.fill(0);
      e[attempt % d] = 1;
    }
    let proj = 0;
    for (let i = 0; i < d; i++) proj += (e[i] as number) * (mu[i] as number);
    proj /= muNorm * muNorm || 1;
    for (let i = 0; i < d; i++) e[i] = (e[i] as number) - proj * (mu[i] as number);
    if (norm2(e) > 1e-6) return scaleToNorm(e, 1);
  }
  throw new Error('orthogonalUnit: could not find an orthogonal direction');
}

/**
 * The unit vector cos θ·μ/‖μ‖ + sin θ·e⊥ in the plane spanned by μ and the unit vector e⊥ ⟂ μ.
 * A classifier sign(vᵀx) built on it has accuracy Φ(‖μ‖ cos θ).
 */
export function unitAtAngle(mu: Float64Array, theta: number, perp: Float64Array): Float64Array {
  const muNorm = norm2(mu);
  if (muNorm === 0) throw new RangeError('unitAtAngle: mu is zero');
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  return Float64Array.from(mu, (m, i) => (c * m) / muNorm + s * (perp[i] as number));
}
