import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import {
  addToDiagonal,
  choleskyInPlace,
  choleskySolve,
  choleskySolveInPlace,
  dot,
  gemv,
  gemvT,
  householder,
  reflectSymmetric,
  reflectVector,
  symmetrizeFromUpper,
  syrkAccumulate,
  syrkWeightedAccumulate,
} from './linalg.js';
import { fillNormal } from './normal-fill.js';

function randomMatrix(rows: number, d: number, seed: number): Float64Array {
  const X = new Float64Array(rows * d);
  fillNormal(createRng(seed), X);
  return X;
}

function naiveGram(X: ArrayLike<number>, rows: number, d: number, w?: ArrayLike<number>): Float64Array {
  const G = new Float64Array(d * d);
  for (let r = 0; r < rows; r++) {
    const s = w ? (w[r] as number) : 1;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) G[i * d + j]! += s * (X[r * d + i] as number) * (X[r * d + j] as number);
  }
  return G;
}

function assertUpperClose(A: Float64Array, B: Float64Array, d: number, tol: number): void {
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const a = A[i * d + j] as number;
      const b = B[i * d + j] as number;
      assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `(${i}, ${j}): ${a} vs ${b}`);
    }
  }
}

describe('syrkAccumulate', () => {
  it('matches a naive XᵀX on the upper triangle for ragged sizes, Float32 and Float64 rows', () => {
    for (const d of [1, 2, 3, 4, 5, 7, 8, 13, 33]) {
      for (const rows of [0, 1, 3, 255, 256, 257, 600]) {
        const X = randomMatrix(rows, d, d * 1000 + rows);
        const expected = naiveGram(X, rows, d);
        const C = new Float64Array(d * d);
        syrkAccumulate(C, X, rows, d);
        assertUpperClose(C, expected, d, 1e-12);
        for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) assert.equal(C[i * d + j], 0, 'lower triangle untouched');
        const X32 = Float32Array.from(X);
        const C32 = new Float64Array(d * d);
        syrkAccumulate(C32, X32, rows, d);
        assertUpperClose(C32, naiveGram(X32, rows, d), d, 1e-12);
      }
    }
  });

  it('accumulates, honours rowStart, and the weighted form gives Xᵀ diag(w) X', () => {
    const d = 9;
    const X = randomMatrix(50, d, 3);
    const C = new Float64Array(d * d);
    syrkAccumulate(C, X, 20, d);
    syrkAccumulate(C, X, 30, d, 20);
    assertUpperClose(C, naiveGram(X, 50, d), d, 1e-12);
    const w = Float64Array.from({ length: 50 }, (_, r) => (r % 3) * 0.7);
    const W = new Float64Array(d * d);
    syrkWeightedAccumulate(W, X, 50, d, w);
    assertUpperClose(W, naiveGram(X, 50, d, w), d, 1e-12);
    assert.throws(() => syrkWeightedAccumulate(W, X, 1, d, Float64Array.of(-1)), RangeError);
    symmetrizeFromUpper(C, d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) assert.equal(C[i * d + j], C[j * d + i]);
  });
});

describe('vector helpers', () => {
  it('dot, gemv and gemvT agree with loops', () => {
    const a = Float64Array.of(1, 2, 3, 4, 5);
    const b = Float64Array.of(2, -1, 0.5, 1, 3);
    assert.equal(dot(a, b), 2 - 2 + 1.5 + 4 + 15);
    assert.equal(dot(a, b, 2, 3, 3), 4 * 1 + 5 * 3);
    const X = Float64Array.of(1, 2, 3, 4, 5, 6); // 3×2
    const out = new Float64Array(3);
    gemv(X, 3, 2, Float64Array.of(1, -1), out);
    assert.deepEqual(out, Float64Array.of(-1, -1, -1));
    const acc = Float64Array.of(10, 10);
    gemvT(X, 3, 2, Float64Array.of(1, 0, 2), acc);
    assert.deepEqual(acc, Float64Array.of(10 + 1 + 10, 10 + 2 + 12));
  });
});

describe('Cholesky', () => {
  it('solves a symmetric positive-definite system to 1e-10', () => {
    const d = 40;
    const X = randomMatrix(100, d, 9);
    const A = naiveGram(X, 100, d);
    addToDiagonal(A, d, 0.5);
    const xTrue = randomMatrix(1, d, 10);
    const b = new Float64Array(d);
    gemv(A, d, d, xTrue, b);
    const x = choleskySolve(A, d, b);
    for (let i = 0; i < d; i++) assert.ok(Math.abs((x[i] as number) - (xTrue[i] as number)) < 1e-10);
    const A2 = Float64Array.from(A);
    const b2 = Float64Array.from(b);
    choleskySolveInPlace(A2, d, b2);
    assert.deepEqual(b2, x);
  });

  it('rejects a matrix that is not positive definite', () => {
    assert.throws(() => choleskyInPlace(Float64Array.of(1, 2, 2, 1), 2), /not positive definite/);
  });
});

describe('Householder reflections', () => {
  it('map x onto β e₁ and act as orthogonal similarity on symmetric matrices', () => {
    const n = 6;
    const x = randomMatrix(1, n, 4);
    const v = new Float64Array(n);
    const { tau, beta } = householder(x, n, v);
    const y = Float64Array.from(x);
    reflectVector(y, v, tau, n);
    assert.ok(Math.abs(Math.abs(beta) - Math.sqrt(dot(x, x))) < 1e-12);
    assert.ok(Math.abs((y[0] as number) - beta) < 1e-12);
    for (let i = 1; i < n; i++) assert.ok(Math.abs(y[i] as number) < 1e-12);
    // H A H has the same trace and Frobenius norm, and equals H(H A H)H = A back.
    const A = naiveGram(randomMatrix(10, n, 5), 10, n);
    const B = Float64Array.from(A);
    const work = new Float64Array(n);
    reflectSymmetric(B, n, v, tau, work);
    let trA = 0, trB = 0;
    for (let i = 0; i < n; i++) { trA += A[i * n + i] as number; trB += B[i * n + i] as number; }
    assert.ok(Math.abs(trA - trB) < 1e-10);
    reflectSymmetric(B, n, v, tau, work);
    for (let k = 0; k < n * n; k++) assert.ok(Math.abs((A[k] as number) - (B[k] as number)) < 1e-10);
    const e1 = Float64Array.of(3, 0, 0);
    const v1 = new Float64Array(3);
    assert.equal(householder(e1, 3, v1).tau, 0);
  });
});
