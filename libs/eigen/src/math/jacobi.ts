/**
 * Cyclic Jacobi for real symmetric matrices: the reference eigenvalues of the task. It is slow for large
 * n (O(n³) per sweep) but for the task's 3×3…10×10 matrices it is fast, needs no library, and is
 * accurate to near machine precision in every eigenvalue relative to ‖A‖, which is what a 1% tolerance
 * on generated labels needs from its ground truth.
 */
import { checkDimension, frobeniusSquared } from './symmetric-matrix.js';

export interface JacobiOptions {
  /** Stop when the off-diagonal Frobenius norm is at most this times ‖A‖_F (default 1e-14). */
  readonly tolerance?: number;
  /** Give up after this many sweeps (default 60; 5×5 matrices take about 5). */
  readonly maxSweeps?: number;
  /** Also accumulate eigenvectors (default false). */
  readonly vectors?: boolean;
}

export interface JacobiResult {
  /** Eigenvalues in descending order. */
  readonly values: Float64Array;
  /** With `vectors`: column j (row-major n×n, entries [i*n + j]) is the unit eigenvector of values[j]. */
  readonly vectors: Float64Array | undefined;
  readonly sweeps: number;
}

/**
 * Eigen-decomposition of the symmetric n×n row-major matrix `a` (only its symmetry is assumed, not
 * checked: pass what `isSymmetric` accepts). `a` is not modified.
 */
export function jacobiEigen(a: ArrayLike<number>, n: number, options: JacobiOptions = {}): JacobiResult {
  checkDimension(n);
  if (a.length !== n * n) throw new RangeError(`jacobi: ${a.length} entries for a ${n}×${n} matrix`);
  for (let k = 0; k < a.length; k++) if (!Number.isFinite(a[k]!)) throw new RangeError(`jacobi: entry ${k} is ${a[k]}`);
  const tolerance = options.tolerance ?? 1e-14;
  const maxSweeps = options.maxSweeps ?? 60;
  const m = Float64Array.from(a);
  const v = options.vectors ? identity(n) : undefined;
  const limit = tolerance * tolerance * frobeniusSquared(m);
  let sweeps = 0;
  while (offDiagonalSquared(m, n) > limit) {
    if (sweeps === maxSweeps) throw new Error(`jacobi: not converged after ${maxSweeps} sweeps (off-diagonal² ${offDiagonalSquared(m, n)})`);
    for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) rotate(m, v, n, p, q);
    sweeps++;
  }
  return sortDescending(m, v, n, sweeps);
}

/** The eigenvalues of a symmetric matrix, descending. */
export function symmetricEigenvalues(a: ArrayLike<number>, n: number): Float64Array {
  return jacobiEigen(a, n).values;
}

/** Zeroes m[p][q] with a plane rotation chosen as the smaller of the two angles, which keeps it stable. */
function rotate(m: Float64Array, v: Float64Array | undefined, n: number, p: number, q: number): void {
  const apq = m[p * n + q]!;
  if (apq === 0) return;
  const app = m[p * n + p]!;
  const aqq = m[q * n + q]!;
  const theta = (aqq - app) / (2 * apq);
  // For huge θ, θ² overflows; t ≈ 1/(2θ) there.
  const t = Math.abs(theta) > 1e150 ? 1 / (2 * theta) : Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    if (k === p || k === q) continue;
    const akp = m[k * n + p]!;
    const akq = m[k * n + q]!;
    const newKp = c * akp - s * akq;
    const newKq = s * akp + c * akq;
    m[k * n + p] = newKp;
    m[p * n + k] = newKp;
    m[k * n + q] = newKq;
    m[q * n + k] = newKq;
  }
  m[p * n + p] = app - t * apq;
  m[q * n + q] = aqq + t * apq;
  m[p * n + q] = 0;
  m[q * n + p] = 0;
  if (v) {
    for (let k = 0; k < n; k++) {
      const vkp = v[k * n + p]!;
      const vkq = v[k * n + q]!;
      v[k * n + p] = c * vkp - s * vkq;
      v[k * n + q] = s * vkp + c * vkq;
    }
  }
}

function offDiagonalSquared(m: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) s += m[i * n + j]! * m[i * n + j]!;
  return s;
}

function identity(n: number): Float64Array {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  return e;
}

function sortDescending(m: Float64Array, v: Float64Array | undefined, n: number, sweeps: number): JacobiResult {
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j]! - m[i * n + i]!);
  const values = Float64Array.from(order, (i) => m[i * n + i]!);
  let vectors: Float64Array | undefined;
  if (v) {
    vectors = new Float64Array(n * n);
    order.forEach((from, to) => {
      for (let k = 0; k < n; k++) vectors![k * n + to] = v[k * n + from]!;
    });
  }
  return { values, vectors, sweeps };
}
