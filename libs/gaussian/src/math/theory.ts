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
 * The formulas hold for any real γ, negative too (keep iff y'·bᵀx/‖b‖ ≥ γ): that is top-k selection,
 * whose threshold t solves P(keep) = k/n (bisection; P(keep) falls as t grows), the n → ∞ limit.
 *
 * Covariance Σ: the cell is whitened first (covariance.ts), which maps it onto the identity case.
 *
 * Halfspace (x ~ N(0, I), y = sign(w*ᵀx)): with unit w*, a, b, the scores W = w*ᵀx, A = aᵀx,
 * B = bᵀx are standard normals with correlations cos of the angles between the vectors, and with
 * margin 0 everything is an orthant probability, P(W > 0, A > 0, B > 0) = 1/8 + (asin ρ_wa +
 * asin ρ_wb + asin ρ_ab)/(4π): p = θ_a/π for a linear generator; a flip generator and a pruner b
 * give φ = 1 − θ_b/π, ψ = θ_b/π; a linear generator and pruner give P(kept ∧ correct) =
 * 2·P(W, A, B > 0) and P(kept ∧ wrong) = 2·P(−W, A, B > 0). With a margin or top-k there is no
 * such closed form: the rates are then a Monte Carlo estimate (2·10⁵ draws of the ≤ 3 coordinates
 * that matter, fixed seed, standard error ≈ 0.001–0.002). The phase-transition theorem itself is about the mixture.
 */
import { createRng } from '@veriflow/step-api';
import { bivariateNormalCdf, dot, normalCdf } from '@veriflow/ml';
import { whitenCell } from './covariance.js';
import { projectedCell } from './projected-statistics.js';
import { streamStatistics } from './stream.js';
import { fixedRates, rateEstimates, verifierIgnoresX } from './types.js';
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

/**
 * The threshold t at which a (signed-margin) pruner keeps the share `fraction` of the pairs, given
 * keepShare(t), decreasing in t, searched in [−40, 40] (its ends at fraction 0 and 1).
 */
export function thresholdForShare(keepShare: (t: number) => number, fraction: number): number {
  if (fraction <= 0) return 40;
  if (fraction >= 1) return -40;
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-13; i++) {
    const mid = (lo + hi) / 2;
    if (keepShare(mid) > fraction) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const MONTE_CARLO_DRAWS = 200_000;

/** Rates of a halfspace cell: closed forms with margin 0, Monte Carlo otherwise (see the module comment). */
function halfspaceRates(cell: CellConfig): PredictedRates {
  const { mu, generator, verifier } = cell;
  const unit = (v: Float64Array): Float64Array => {
    const nv = Math.sqrt(dot(v, v));
    return nv === 0 ? v : v.map((x) => x / nv);
  };
  const ws = unit(mu);
  const corr = (u: Float64Array, v: Float64Array): number => Math.max(-1, Math.min(1, dot(unit(u), unit(v))));
  const p = generator.kind === 'flip' ? generator.p : Math.acos(corr(generator.a, ws)) / Math.PI;
  if (verifierIgnoresX(verifier)) {
    const { phi, psi } = fixedRates(verifier);
    return { p, phi, psi, pStar: breakdownPoint(phi, psi) };
  }
  if ((verifier.kind === 'linear' || verifier.kind === 'model') && (verifier.margin ?? 0) === 0) {
    const b = verifier.kind === 'linear' ? verifier.b : verifier.w;
    if (generator.kind === 'flip') {
      const phi = 1 - Math.acos(corr(b, ws)) / Math.PI;
      return { p, phi, psi: 1 - phi, pStar: breakdownPoint(phi, 1 - phi) };
    }
    const [rwa, rwb, rab] = [corr(ws, generator.a), corr(ws, b), corr(generator.a, b)];
    const keptCorrect = 2 * (1 / 8 + (Math.asin(rwa) + Math.asin(rwb) + Math.asin(rab)) / (4 * Math.PI));
    const keptWrong = 2 * (1 / 8 + (-Math.asin(rwa) - Math.asin(rwb) + Math.asin(rab)) / (4 * Math.PI));
    const phi = p < 1 ? keptCorrect / (1 - p) : NaN;
    const psi = p > 0 ? keptWrong / p : NaN;
    return { p, phi, psi, pStar: breakdownPoint(phi, psi) };
  }
  // Margin or top-k: Monte Carlo in the few coordinates that matter.
  const n = MONTE_CARLO_DRAWS;
  const v = verifier.kind === 'top-k' ? { ...verifier, k: cell.n === 0 ? 0 : Math.round((verifier.k / cell.n) * n) } : verifier;
  const stats = streamStatistics(projectedCell({ ...cell, n, verifier: v }), createRng(20_250_601).fork('halfspace-prediction'));
  const rates = rateEstimates(stats);
  return { p, phi: rates.phiHat, psi: rates.psiHat, pStar: rates.pStarHat };
}

/**
 * Predicted (p, φ, ψ, p*) of a simulation cell, from its vectors. For top-k the budget enters as the
 * share k/n (its large-n limit).
 */
export function predictedRates(cell: CellConfig): PredictedRates {
  if (cell.covariance !== undefined) return predictedRates(whitenCell(cell));
  if (cell.distribution === 'halfspace') return halfspaceRates(cell);
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
  const b = verifier.kind === 'linear' || verifier.kind === 'top-k' ? verifier.b : verifier.w;
  const cosB = cosWithMu(b);
  if (generator.kind === 'flip') {
    if (verifier.kind !== 'top-k') return flipLinearPrunerRates(p, u, cosB, verifier.margin ?? 0);
    const share = (t: number): number => (1 - p) * normalCdf(u * cosB - t) + p * normalCdf(-u * cosB - t);
    return flipLinearPrunerRates(p, u, cosB, thresholdForShare(share, cell.n === 0 ? 0 : verifier.k / cell.n));
  }
  const a = generator.a;
  const rho = dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
  const cosA = cosWithMu(a);
  if (verifier.kind !== 'top-k') return linearGeneratorLinearPrunerRates(u, cosA, cosB, rho, verifier.margin ?? 0);
  const [ha, hb, r] = [u * cosA, u * cosB, Math.max(-1, Math.min(1, rho))];
  const share = (t: number): number => bivariateNormalCdf(ha, hb - t, r) + bivariateNormalCdf(-ha, -hb - t, r);
  return linearGeneratorLinearPrunerRates(u, cosA, cosB, rho, thresholdForShare(share, cell.n === 0 ? 0 : verifier.k / cell.n));
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
