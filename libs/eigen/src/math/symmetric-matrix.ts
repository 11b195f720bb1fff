/**
 * Square matrices as row-major Float64Arrays of n² entries, and the random symmetric matrices of
 * LAWT's eigenvalue task.
 */
import type { Rng } from '@veriflow/step-api';

/**
 * LAWT's construction: draw a with i.i.d. entries uniform in [−range, range], then
 * A = tril(a) + tril(a, −1)ᵀ, i.e. the lower triangle of a mirrored. The n² draws are made in row-major
 * order, as numpy's `rand(n, n)` does, although the upper-triangle draws are then discarded: the
 * stream then matches LAWT's layout and changing n does not shift the meaning of a draw.
 */
export function randomSymmetricMatrix(n: number, rng: Rng, range = 10): Float64Array {
  checkDimension(n);
  if (!(range > 0 && Number.isFinite(range))) throw new RangeError(`entry range ${range} must be a positive number`);
  const a = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) a[k] = range * (2 * rng.uniform() - 1);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) a[i * n + j] = a[j * n + i]!;
  }
  return a;
}

export function checkDimension(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`matrix dimension ${n} is not a positive integer`);
}

/** Checks that `a` holds n×n entries; returns n. */
export function squareDimension(a: ArrayLike<number>): number {
  const n = Math.round(Math.sqrt(a.length));
  if (n * n !== a.length || n < 1) throw new RangeError(`${a.length} entries do not make a square matrix`);
  return n;
}

export function trace(a: ArrayLike<number>, n: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += a[i * n + i]!;
  return t;
}

/** ‖A‖²_F = Σ a_ij², which equals Σ λ_i² for a symmetric A. */
export function frobeniusSquared(a: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * a[k]!;
  return s;
}

export function isSymmetric(a: ArrayLike<number>, n: number, tolerance = 0): boolean {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) if (Math.abs(a[i * n + j]! - a[j * n + i]!) > tolerance) return false;
  }
  return true;
}

/** C = A·B for n×n row-major matrices. */
export function multiply(a: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      for (let j = 0; j < n; j++) c[i * n + j] = c[i * n + j]! + aik * b[k * n + j]!;
    }
  }
  return c;
}

export function transpose(a: ArrayLike<number>, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j]!;
  return t;
}
