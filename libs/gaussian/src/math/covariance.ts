/**
 * Non-identity noise covariance Σ for the mixture x | y ~ N(y·μ, Σ), handled exactly by whitening.
 *
 * Both supported kinds have a symmetric square root L (Σ = L L = L²), cheap to apply:
 * - diagonal Σ = diag(σ²): L = diag(σ);
 * - spiked Σ = I + s·vvᵀ (‖v‖ = 1, s > −1): L = I + c·vvᵀ with c = √(1+s) − 1, L⁻¹ = I + c'·vvᵀ with c' = 1/√(1+s) − 1.
 *
 * Write x = L x' with x' = y·μ' + z, μ' = L⁻¹μ, z ~ N(0, I): x' follows the identity-covariance mixture.
 * Every rule here looks at x through linear forms, and aᵀx = (L a)ᵀx', so a cell with Σ is the
 * identity cell with μ' = L⁻¹μ, generator a' = L a, pruner b' = L b and margin γ' = γ‖b‖/‖b'‖ (the
 * same test |bᵀx| ≥ γ‖b‖); top-k ranks by y'·bᵀx, a positive multiple of y'·b'ᵀx', so it keeps the
 * same rows. The statistics map back exactly: XᵀX = L (X'ᵀX') L and Xᵀy' = L X'ᵀy'. Hence all three
 * simulation paths (exact, projected, stream) stay exact with Σ, and so do the closed forms of theory.ts.
 */
import { dot } from '@veriflow/ml';
import type { CellConfig, Covariance, Generator, KeptStatistics, LabelledRows, Verifier } from './types.js';

/** y = L^power x for power 1 (L), −1 (L⁻¹) or 2 (Σ); returns a new vector. */
export function applyRoot(cov: Covariance | undefined, x: Float64Array, power: 1 | -1 | 2 = 1): Float64Array {
  const y = Float64Array.from(x);
  if (cov === undefined) return y;
  if (cov.kind === 'diagonal') {
    for (let i = 0; i < y.length; i++) {
      const v = cov.values[i] as number;
      y[i] = (y[i] as number) * (power === 2 ? v : power === 1 ? Math.sqrt(v) : 1 / Math.sqrt(v));
    }
    return y;
  }
  const c = power === 2 ? cov.strength : power === 1 ? Math.sqrt(1 + cov.strength) - 1 : 1 / Math.sqrt(1 + cov.strength) - 1;
  const proj = c * dot(cov.v, x);
  for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) + proj * (cov.v[i] as number);
  return y;
}

/** wᵀΣw. */
export function quadraticForm(cov: Covariance | undefined, w: Float64Array): number {
  return dot(w, applyRoot(cov, w, 2));
}

/** √(μᵀΣ⁻¹μ) = ‖L⁻¹μ‖, the Mahalanobis norm of μ: the Bayes accuracy is Φ of it. */
export function mahalanobisNorm(cov: Covariance | undefined, mu: Float64Array): number {
  const m = applyRoot(cov, mu, -1);
  return Math.sqrt(dot(m, m));
}

/** True when the cell has a covariance other than I (so the paths whiten it). */
export function hasCovariance(cell: CellConfig): cell is CellConfig & { covariance: Covariance } {
  return cell.covariance !== undefined;
}

/** The identity-covariance cell in whitened coordinates x' = L⁻¹x (see the module comment). */
export function whitenCell(cell: CellConfig): CellConfig {
  const cov = cell.covariance;
  if (cov === undefined) return cell;
  const L = (v: Float64Array): Float64Array => applyRoot(cov, v, 1);
  const generator: Generator = cell.generator.kind === 'linear' ? { kind: 'linear', a: L(cell.generator.a) } : cell.generator;
  const v = cell.verifier;
  const marginFor = (dir: Float64Array, white: Float64Array, margin: number | undefined): number => {
    const nw = Math.sqrt(dot(white, white));
    return margin === undefined || margin === 0 || nw === 0 ? (margin ?? 0) : (margin * Math.sqrt(dot(dir, dir))) / nw;
  };
  let verifier: Verifier = v;
  if (v.kind === 'linear') {
    const b = L(v.b);
    verifier = { kind: 'linear', b, margin: marginFor(v.b, b, v.margin) };
  } else if (v.kind === 'model') {
    const w = L(v.w);
    verifier = { kind: 'model', w, margin: marginFor(v.w, w, v.margin) };
  } else if (v.kind === 'top-k') verifier = { kind: 'top-k', b: L(v.b), k: v.k };
  return { mu: applyRoot(cov, cell.mu, -1), n: cell.n, generator, verifier, distribution: cell.distribution };
}

/** Maps whitened statistics back in place: XᵀX ← L XᵀX L, Xᵀy' ← L Xᵀy'. O(d²). */
export function unwhitenStatistics(cov: Covariance | undefined, stats: KeptStatistics): KeptStatistics {
  if (cov === undefined) return stats;
  const d = stats.dim;
  const A = stats.xtx;
  stats.xty.set(applyRoot(cov, stats.xty, 1));
  if (cov.kind === 'diagonal') {
    const s = cov.values.map(Math.sqrt);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) A[i * d + j] = (A[i * d + j] as number) * (s[i] as number) * (s[j] as number);
    return stats;
  }
  // (I + c vvᵀ) A (I + c vvᵀ) = A + c v(Av)ᵀ + c (Av)vᵀ + c²(vᵀAv) vvᵀ.
  const c = Math.sqrt(1 + cov.strength) - 1;
  const v = cov.v;
  const Av = new Float64Array(d);
  for (let i = 0; i < d; i++) Av[i] = dot(A, v, d, i * d, 0);
  const vAv = dot(v, Av);
  for (let i = 0; i < d; i++) {
    const vi = v[i] as number;
    const avi = Av[i] as number;
    for (let j = 0; j < d; j++) {
      const vj = v[j] as number;
      A[i * d + j] = (A[i * d + j] as number) + c * (vi * (Av[j] as number) + avi * vj) + c * c * vAv * vi * vj;
    }
  }
  // Exact symmetry, as the other paths guarantee.
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) A[j * d + i] = A[i * d + j] as number;
  return stats;
}

/** Maps whitened rows back in place: x ← L x'. */
export function unwhitenRows(cov: Covariance | undefined, rows: LabelledRows): LabelledRows {
  if (cov === undefined) return rows;
  const d = rows.dim;
  for (let r = 0; r < rows.count; r++) rows.x.set(applyRoot(cov, rows.x.subarray(r * d, (r + 1) * d), 1), r * d);
  return rows;
}
