/**
 * Closed forms from the paper's Gaussian theory (notes §2), used to predict what the simulations
 * should measure.
 *
 * Setting: u = ‖μ‖, directions a (generator) and b (pruner) taken as unit vectors, with
 * cos θ_a = aᵀμ/u, cos θ_b = bᵀμ/u and ρ = aᵀb. For x = yμ + z:
 *   aᵀx = y·h_a + Z_a,  bᵀx = y·h_b + Z_b,  h_a = u cos θ_a, h_b = u cos θ_b,
 * where (Z_a, Z_b) = (aᵀz, bᵀz) is standard bivariate normal with correlation ρ, independent of y.
 * Replacing (x, y) by (−x, −y) maps y' to −y' and leaves every keep rule below unchanged, so all
 * rates can be computed given y = +1.
 *
 * Linear generator y' = sign(aᵀx): correct iff A = h_a + Z_a ≥ 0, so p = P(A < 0) = Φ(−h_a).
 * Linear pruner with margin γ keeps iff sign(bᵀx) = y' and |bᵀx| ≥ γ, i.e. B = h_b + Z_b ≥ γ when
 * y' = +1 and B ≤ −γ when y' = −1:
 *   P(kept ∧ correct) = P(Z_a ≥ −h_a, Z_b ≥ γ − h_b)   = Φ₂(h_a, h_b − γ; ρ)
 *   P(kept ∧ wrong)   = P(Z_a < −h_a, Z_b ≤ −γ − h_b)  = Φ₂(−h_a, −h_b − γ; ρ)
 * (the first uses that (−Z_a, −Z_b) has the same law), hence
 *   φ = Φ₂(h_a, h_b − γ; ρ)/Φ(h_a),   ψ = Φ₂(−h_a, −h_b − γ; ρ)/Φ(−h_a).
 * Flip generator (correctness independent of x): φ = P(B ≥ γ) = Φ(h_b − γ), ψ = Φ(−h_b − γ);
 * with γ = 0, ψ = 1 − φ and p* = φ = the pruner's own accuracy.
 * A pruner equal to the generator (ρ = 1, θ_b = θ_a, γ = 0) keeps everything: φ = ψ = 1, p* = ½.
 */
import { bivariateNormalCdf, dot, normalCdf } from '@veriflow/ml';
import { fixedRates, verifierIgnoresX } from './types.js';
import type { CellConfig } from './types.js';
import { orthogonalUnit, unitAtAngle } from './model.js';

export interface PredictedRates {
  /** Generator error rate. */
  p: number;
  phi: number;
  psi: number;
  /** Breakdown point φ/(φ+ψ). */
  pStar: number;
}

/** p* = φ/(φ+ψ) = 1/(1 + ψ/φ); NaN when the verifier keeps nothing. */
export function breakdownPoint(phi: number, psi: number): number {
  return phi + psi > 0 ? phi / (phi + psi) : NaN;
}

/**
 * Large-n accuracy of ridge / mean / logistic on the kept pairs when the verifier ignores x: the
 * estimate converges to ±μ's direction according to the sign of (1−p)φ − pψ. At p = p* the signal
 * vanishes and the direction is uniformly random: accuracy ½ on average.
 */
export function predictedLimitAccuracy(p: number, pStar: number, muNorm: number): number {
  if (p < pStar) return normalCdf(muNorm);
  if (p > pStar) return normalCdf(-muNorm);
  return 0.5;
}

/** Error rate of the generator sign(aᵀx) at angle θ to μ: Φ(−u cos θ). */
export function linearGeneratorErrorRate(muNorm: number, cosTheta: number): number {
  return normalCdf(-muNorm * cosTheta);
}

/** Flip generator with error p, linear pruner at angle θ to μ (margin γ ≥ 0). */
export function flipLinearPrunerRates(p: number, muNorm: number, cosPrune: number, margin = 0): PredictedRates {
  const hb = muNorm * cosPrune;
  const phi = normalCdf(hb - margin);
  const psi = normalCdf(-hb - margin);
  return { p, phi, psi, pStar: breakdownPoint(phi, psi) };
}

/** Linear generator and linear pruner whose unit directions have correlation ρ = cos∠(a, b). */
export function linearGeneratorLinearPrunerRates(muNorm: number, cosGen: number, cosPrune: number, rho: number, margin = 0): PredictedRates {
  const ha = muNorm * cosGen;
  const hb = muNorm * cosPrune;
  const r = Math.max(-1, Math.min(1, rho));
  const p = normalCdf(-ha);
  const phi = bivariateNormalCdf(ha, hb - margin, r) / normalCdf(ha);
  const psi = bivariateNormalCdf(-ha, -hb - margin, r) / p;
  return { p, phi, psi, pStar: breakdownPoint(phi, psi) };
}

/** Predicted (p, φ, ψ, p*) of a simulation cell, from its vectors. */
export function predictedRates(cell: CellConfig): PredictedRates {
  const { mu, generator, verifier } = cell;
  const u = Math.sqrt(dot(mu, mu));
  const cosWithMu = (v: Float64Array): number => {
    const nv = Math.sqrt(dot(v, v));
    return nv === 0 || u === 0 ? 0 : dot(v, mu) / (nv * u);
  };
  const p = generator.kind === 'flip' ? generator.p : linearGeneratorErrorRate(u, cosWithMu(generator.a));
  if (verifierIgnoresX(verifier)) {
    const { phi, psi } = fixedRates(verifier);
    return { p, phi, psi, pStar: breakdownPoint(phi, psi) };
  }
  const b = verifier.kind === 'linear' ? verifier.b : verifier.w;
  const margin = verifier.margin ?? 0;
  if (generator.kind === 'flip') return flipLinearPrunerRates(p, u, cosWithMu(b), margin);
  const a = generator.a;
  const rho = dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
  return linearGeneratorLinearPrunerRates(u, cosWithMu(a), cosWithMu(b), rho, margin);
}

/**
 * Generator and pruner directions in the plane of μ and e⊥: a at angle θ_gen and b at angle
 * θ_prune to μ, on the same side of μ (angle between them |θ_gen − θ_prune|) or on opposite sides
 * (θ_gen + θ_prune). Returns the unit vectors and ρ = aᵀb.
 */
export function planeDirections(
  mu: Float64Array,
  thetaGen: number,
  thetaPrune: number,
  side: 'same' | 'opposite',
  perp: Float64Array = orthogonalUnit(mu),
): { a: Float64Array; b: Float64Array; rho: number } {
  const a = unitAtAngle(mu, thetaGen, perp);
  const b = unitAtAngle(mu, side === 'same' ? thetaPrune : -thetaPrune, perp);
  return { a, b, rho: dot(a, b) };
}
