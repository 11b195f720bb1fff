/**
 * The verifiers of the eigenvalue task. Each one looks at a pool of well-formed candidates and says
 * which pass; the selection mode (select.ts) turns passes into kept labels. They span the range of p*:
 * oracle (1), noisy oracle (1 − flip), consistency checks that need no truth (between), the generator's
 * own score (self), random (1/2), and none (keeps everything: 1/2).
 */
import type { Rng } from '@veriflow/step-api';
import { eigenvaluesAt, matrixAt } from '../artifacts/matrices-file.js';
import type { MatrixSet } from '../artifacts/matrices-file.js';
import { frobeniusSquared, trace } from '../math/symmetric-matrix.js';
import { relativeL1Error } from '../math/tolerance.js';
import type { WellFormedCandidate } from './ranked-candidates.js';

export type Verifier =
  /** Passes a candidate within `tolerance` (relative L1) of the truth. */
  | { readonly kind: 'oracle'; readonly tolerance: number }
  /** The oracle's decision, flipped independently with probability `flip`: φ = 1 − flip, ψ = flip. */
  | { readonly kind: 'noisy-oracle'; readonly tolerance: number; readonly flip: number }
  /** The generator's score: the top `fraction` of the pool, or every candidate scoring ≥ `threshold`. */
  | { readonly kind: 'self'; readonly fraction: number; readonly threshold?: undefined }
  | { readonly kind: 'self'; readonly threshold: number; readonly fraction?: undefined }
  /** Σλ̂ = tr A and Σλ̂² = ‖A‖²_F within `tolerance` (relative to ‖A‖_F and ‖A‖²_F), and λ̂ descending if `sorted`. */
  | { readonly kind: 'consistency'; readonly tolerance: number; readonly sorted: boolean }
  /** Passes each candidate with probability `keep`, whatever it is. */
  | { readonly kind: 'random'; readonly keep: number }
  /** No verification: every candidate passes (best-of-beam then keeps the generator's top-1; p* = 1/2). */
  | { readonly kind: 'none' };

export interface VerifierContext {
  readonly data: MatrixSet;
  /** Draws for noisy-oracle and random, one per pool candidate in pool order. */
  readonly rng: Rng;
}

/** Pass flags, one per pool candidate. */
export function runVerifier(verifier: Verifier, pool: readonly WellFormedCandidate[], ctx: VerifierContext): boolean[] {
  switch (verifier.kind) {
    case 'oracle':
      return pool.map((c) => relativeL1Error(c.values, eigenvaluesAt(ctx.data, c.input)) < verifier.tolerance);
    case 'noisy-oracle':
      return pool.map((c) => (relativeL1Error(c.values, eigenvaluesAt(ctx.data, c.input)) < verifier.tolerance) !== ctx.rng.uniform() < verifier.flip);
    case 'self':
      return verifier.threshold !== undefined ? pool.map((c) => c.score >= verifier.threshold) : topFraction(pool, verifier.fraction);
    case 'consistency':
      return pool.map((c) => passesConsistency(matrixAt(ctx.data, c.input), ctx.data.dim, c.values, verifier.tolerance, verifier.sorted));
    case 'random':
      return pool.map(() => ctx.rng.uniform() < verifier.keep);
    case 'none':
      return pool.map(() => true);
  }
}

/** Exactly round(fraction · pool) candidates pass, the highest scores; ties go to the earlier in the pool. */
function topFraction(pool: readonly WellFormedCandidate[], fraction: number): boolean[] {
  const k = Math.round(fraction * pool.length);
  const order = pool.map((_, i) => i).sort((a, b) => pool[b]!.score - pool[a]!.score || a - b);
  const pass = new Array<boolean>(pool.length).fill(false);
  for (let r = 0; r < k; r++) pass[order[r]!] = true;
  return pass;
}

export interface ConsistencyResiduals {
  /** |Σλ̂ − tr A| / ‖A‖_F. */
  readonly trace: number;
  /** |Σλ̂² − ‖A‖²_F| / ‖A‖²_F. */
  readonly frobenius: number;
}

/**
 * How far λ̂ is from the two invariants every spectrum of A satisfies. The trace residual is scaled by
 * ‖A‖_F = ‖λ‖₂, not by tr A, because the trace of a random symmetric matrix is often near zero. Errors
 * that keep both sums (e.g. two eigenvalues moved symmetrically about their mean) pass: this is a
 * verifier without ground truth, with ψ > 0.
 */
export function consistencyResiduals(matrix: ArrayLike<number>, n: number, values: readonly number[]): ConsistencyResiduals {
  const norm2 = frobeniusSquared(matrix);
  const sum = values.reduce((s, v) => s + v, 0);
  const sumSq = values.reduce((s, v) => s + v * v, 0);
  if (norm2 === 0) return { trace: sum === 0 ? 0 : Infinity, frobenius: sumSq === 0 ? 0 : Infinity };
  return { trace: Math.abs(sum - trace(matrix, n)) / Math.sqrt(norm2), frobenius: Math.abs(sumSq - norm2) / norm2 };
}

export function passesConsistency(matrix: ArrayLike<number>, n: number, values: readonly number[], tolerance: number, sorted: boolean): boolean {
  if (values.length !== n) return false;
  if (sorted && values.some((v, i) => i > 0 && v > values[i - 1]!)) return false;
  const r = consistencyResiduals(matrix, n, values);
  return r.trace <= tolerance && r.frobenius <= tolerance;
}

/** A short label for tables and plots. */
export function verifierLabel(v: Verifier): string {
  const pct = (x: number) => `${+(x * 100).toPrecision(3)}%`;
  switch (v.kind) {
    case 'oracle':
      return `oracle(${pct(v.tolerance)})`;
    case 'noisy-oracle':
      return `noisy-oracle(flip=${v.flip})`;
    case 'self':
      return v.threshold !== undefined ? `self(score≥${v.threshold})` : `self(top ${pct(v.fraction)})`;
    case 'consistency':
      return `consistency(${pct(v.tolerance)}${v.sorted ? '' : ', unsorted'})`;
    case 'random':
      return `random(keep=${v.keep})`;
    case 'none':
      return 'none';
  }
}
