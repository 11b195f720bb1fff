/**
 * The fast path for generators and verifiers that look at x — linear generator y' = sign(aᵀx),
 * linear or model pruners sign(bᵀx) — and for anything else whose labels and keep decisions
 * depend on x only through its projection on a fixed k-dimensional subspace S (k ≤ 3 here:
 * span{μ, a, b}). Exact, not an approximation; O(n·k + d³) instead of O(n·d²).
 *
 * Derivation. Rotate by an orthogonal Q whose first k columns span S: x = Q (x_S, x_⊥) with
 * x_S = y μ_S + z_S and x_⊥ = z_⊥, since μ ∈ S. Labels and keep decisions are functions of
 * (y, x_S, randomness independent of z_⊥), so over the kept rows Z_⊥ (m×(d−k)) is an iid N(0, 1)
 * matrix independent of M = [X_S, y'] (m×(k+1)). So simulate only the k-dimensional rows (a
 * row stream in dimension k), and for the rest use the same rotation argument as the exact path:
 * with MᵀM = L Lᵀ (Cholesky of the (k+1)² Gram matrix, rank r), Z_⊥ᵀM = G Lᵀ for G iid N(0, 1) of
 * size (d−k)×(k+1), and Z_⊥ᵀZ_⊥ = Σ_{c: pivot c nonzero} g_c g_cᵀ + W, W ~ Wishart(m − r, I_{d−k})
 * independent of G. (Any factor with RᵀR = MᵀM works: two differ by an orthogonal map that leaves
 * G's law unchanged.) Assemble XᵀX and Xᵀy' in the rotated basis, then rotate back with the
 * Householder reflectors that define Q, O(k·d²).
 *
 * The same argument covers the halfspace variant (x ~ N(0, I), y = sign(w*ᵀx), w* in the mu field, so
 * w* ∈ S and y is a function of x_S), and top-k selection (its direction b joins S; the low stream
 * runs its two passes in dimension k). A covariance Σ is whitened first (covariance.ts).
 */
import type { Rng } from '@veriflow/step-api';
import { RandomStream, dot, householder, reflectSymmetric, reflectVector, wishartIdentity } from '@veriflow/ml';
import { hasCovariance, unwhitenStatistics, whitenCell } from './covariance.js';
import { streamStatistics } from './stream.js';
import type { StreamOptions } from './stream.js';
import { emptyStatistics, validateCell } from './types.js';
import type { CellConfig, Generator, KeptStatistics, Verifier } from './types.js';

/** Directions the labels and decisions depend on, orthonormalised (modified Gram–Schmidt, dependent ones dropped). */
function subspaceBasis(cell: CellConfig): Float64Array[] {
  const dirs: Float64Array[] = [cell.mu];
  if (cell.generator.kind === 'linear') dirs.push(cell.generator.a);
  if (cell.verifier.kind === 'linear') dirs.push(cell.verifier.b);
  if (cell.verifier.kind === 'model') dirs.push(cell.verifier.w);
  if (cell.verifier.kind === 'top-k') dirs.push(cell.verifier.b);
  const basis: Float64Array[] = [];
  for (const dir of dirs) {
    const v = Float64Array.from(dir);
    const scale = Math.sqrt(dot(v, v));
    for (let pass = 0; pass < 2; pass++) {
      for (const e of basis) {
        const c = dot(e, v);
        for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) - c * (e[i] as number);
      }
    }
    const norm = Math.sqrt(dot(v, v));
    if (norm > 1e-10 * scale && norm > 0) basis.push(v.map((x) => x / norm));
  }
  if (basis.length === 0) {
    const e = new Float64Array(cell.mu.length);
    e[0] = 1;
    basis.push(e);
  }
  return basis;
}

/** Householder vectors (full length, zeros before position j) with Qᵀ = H_{k−1}⋯H₀ mapping S onto the first k axes. */
function reflectorsFor(basis: Float64Array[], d: number): Array<{ v: Float64Array; tau: number }> {
  const cols = basis.map((b) => Float64Array.from(b));
  const out: Array<{ v: Float64Array; tau: number }> = [];
  const sub = new Float64Array(d);
  for (let j = 0; j < cols.length; j++) {
    const col = cols[j] as Float64Array;
    const v = new Float64Array(d);
    const { tau } = householder(col.subarray(j), d - j, sub);
    v.set(sub.subarray(0, d - j), j);
    out.push({ v, tau });
    for (let l = j + 1; l < cols.length; l++) reflectVector(cols[l] as Float64Array, v, tau, d);
  }
  return out;
}

function rotateIn(x: Float64Array, refl: Array<{ v: Float64Array; tau: number }>, k: number): Float64Array {
  const y = Float64Array.from(x);
  for (const { v, tau } of refl) reflectVector(y, v, tau, y.length);
  return y.slice(0, k);
}

/** The k-dimensional cell seen in the rotated coordinates. */
function lowCell(cell: CellConfig, refl: Array<{ v: Float64Array; tau: number }>, k: number): CellConfig {
  const rot = (x: Float64Array): Float64Array => rotateIn(x, refl, k);
  const generator: Generator = cell.generator.kind === 'linear' ? { kind: 'linear', a: rot(cell.generator.a) } : cell.generator;
  const v = cell.verifier;
  const verifier: Verifier =
    v.kind === 'linear' || v.kind === 'top-k' ? { ...v, b: rot(v.b) } : v.kind === 'model' ? { ...v, w: rot(v.w) } : v;
  return { mu: rot(cell.mu), n: cell.n, generator, verifier, distribution: cell.distribution };
}

/**
 * The cell seen in the k ≤ 3 coordinates that matter (identity covariance): labels, keep decisions and
 * so the counts behind φ̂, ψ̂ have the same law as in the full cell. Used for Monte Carlo predictions.
 */
export function projectedCell(cell: CellConfig): CellConfig {
  const basis = subspaceBasis(cell);
  return lowCell(cell, reflectorsFor(basis, cell.mu.length), basis.length);
}

/** Lower-triangular L with L Lᵀ = A for a positive semidefinite A (n×n); dependent columns get a zero pivot column. */
function semidefiniteCholesky(A: Float64Array, n: number): { L: Float64Array; pivots: boolean[] } {
  const L = new Float64Array(n * n);
  const pivots: boolean[] = [];
  for (let j = 0; j < n; j++) {
    const s = (A[j * n + j] as number) - dot(L, L, j, j * n, j * n);
    if (!(s > 1e-10 * (A[j * n + j] as number))) {
      pivots.push(false);
      continue;
    }
    const ljj = Math.sqrt(s);
    L[j * n + j] = ljj;
    pivots.push(true);
    for (let i = j + 1; i < n; i++) L[i * n + j] = ((A[i * n + j] as number) - dot(L, L, j, i * n, j * n)) / ljj;
  }
  return { L, pivots };
}

/** Exact draw of the kept set's statistics by simulating only the k ≤ 3 coordinates that matter. */
export function projectedStatistics(cell: CellConfig, rng: Rng, options: StreamOptions = {}): KeptStatistics {
  validateCell(cell);
  if (hasCovariance(cell)) return unwhitenStatistics(cell.covariance, projectedStatistics(whitenCell(cell), rng, options));
  const d = cell.mu.length;
  const basis = subspaceBasis(cell);
  const k = basis.length;
  const refl = reflectorsFor(basis, d);
  const low = streamStatistics(lowCell(cell, refl, k), rng.fork('projected-low'), options);

  const stats = emptyStatistics(d, cell.n);
  stats.correct = low.correct;
  stats.wrong = low.wrong;
  stats.keptCorrect = low.keptCorrect;
  stats.keptWrong = low.keptWrong;
  const m = (stats.kept = low.kept);
  if (m === 0) return stats;

  // Gram matrix of M = [X_S, y'].
  const k1 = k + 1;
  const gram = new Float64Array(k1 * k1);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) gram[i * k1 + j] = low.xtx[i * k + j] as number;
    gram[i * k1 + k] = low.xty[i] as number;
    gram[k * k1 + i] = low.xty[i] as number;
  }
  gram[k * k1 + k] = m;
  const { L, pivots } = semidefiniteCholesky(gram, k1);
  const rank = pivots.filter(Boolean).length;

  const dp = d - k;
  const s = RandomStream.fromRng(rng.fork('projected-perp'));
  const G = new Float64Array(dp * k1);
  s.fillNormal(G);
  for (let c = 0; c < k1; c++) if (!pivots[c]) for (let i = 0; i < dp; i++) G[i * k1 + c] = 0;
  const W = dp > 0 ? wishartIdentity(s, Math.max(0, m - rank), dp) : new Float64Array(0);

  const xtx = stats.xtx;
  const xty = stats.xty;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) xtx[i * d + j] = low.xtx[i * k + j] as number;
    xty[i] = low.xty[i] as number;
  }
  for (let i = 0; i < dp; i++) {
    const gi = i * k1;
    // Z_⊥ᵀ M = G Lᵀ: columns 0..k−1 are the cross block Z_⊥ᵀX_S, column k is Z_⊥ᵀy'.
    for (let j = 0; j <= k; j++) {
      const v = dot(G, L, k1, gi, j * k1);
      if (j < k) {
        xtx[(k + i) * d + j] = v;
        xtx[j * d + k + i] = v;
      } else xty[k + i] = v;
    }
    for (let l = i; l < dp; l++) {
      const v = (W[i * dp + l] as number) + dot(G, G, k1, gi, l * k1);
      xtx[(k + i) * d + k + l] = v;
      xtx[(k + l) * d + k + i] = v;
    }
  }
  // Back to the original coordinates: Q A Qᵀ with Q = H₀⋯H_{k−1}.
  const work = new Float64Array(d);
  for (let j = refl.length - 1; j >= 0; j--) {
    const { v, tau } = refl[j] as { v: Float64Array; tau: number };
    reflectSymmetric(xtx, d, v, tau, work);
    reflectVector(xty, v, tau, d);
  }
  return stats;
}
