import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import type { Rng } from '@veriflow/step-api';
import { jacobiEigen, symmetricEigenvalues } from './jacobi.js';
import { frobeniusSquared, multiply, randomSymmetricMatrix, trace, transpose } from './symmetric-matrix.js';

/** A Haar-ish random orthogonal matrix: Gram–Schmidt on Gaussian columns (re-orthogonalised twice). */
function randomOrthogonal(n: number, rng: Rng): Float64Array {
  const q = Float64Array.from({ length: n * n }, () => rng.normal());
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += q[i * n + j]! * q[i * n + k]!;
        for (let i = 0; i < n; i++) q[i * n + j] = q[i * n + j]! - d * q[i * n + k]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * n + j]! ** 2;
    for (let i = 0; i < n; i++) q[i * n + j] = q[i * n + j]! / Math.sqrt(norm);
  }
  return q;
}

function fromSpectrum(lambda: readonly number[], q: Float64Array): Float64Array {
  const n = lambda.length;
  const d = new Float64Array(n * n);
  lambda.forEach((l, i) => (d[i * n + i] = l));
  const a = multiply(multiply(q, d, n), transpose(q, n), n);
  // Exact symmetry, so that the test measures the solver and not round-off in the construction.
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j]!;
  return a;
}

function assertClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `${what}[${i}]: ${actual[i]} vs ${expected[i]} (tolerance ${tolerance})`);
  }
}

describe('jacobiEigen', () => {
  it('returns the diagonal of a diagonal matrix, sorted descending, without a sweep', () => {
    const r = jacobiEigen([3, 0, 0, 0, -7, 0, 0, 0, 5], 3);
    assert.deepEqual(Array.from(r.values), [5, 3, -7]);
    assert.equal(r.sweeps, 0);
  });

  it('matches the 2×2 closed form', () => {
    const rng = createRng(1);
    for (let trial = 0; trial < 200; trial++) {
      const [a, b, d] = [rng.uniform() * 20 - 10, rng.uniform() * 20 - 10, rng.uniform() * 20 - 10];
      const mean = (a + d) / 2;
      const radius = Math.hypot((a - d) / 2, b);
      assertClose(symmetricEigenvalues([a, b, b, d], 2), [mean + radius, mean - radius], 1e-12 * (Math.abs(mean) + radius), '2×2');
    }
    // Equal diagonal: θ = 0, a 45° rotation.
    assertClose(symmetricEigenvalues([2, 1, 1, 2], 2), [3, 1], 1e-15, 'equal diagonal');
  });

  it('recovers the spectrum of QΛQᵀ for random orthogonal Q, to ~1e-12 relative', () => {
    const rng = createRng(2);
    for (const n of [3, 5, 8, 12]) {
      for (let trial = 0; trial < 20; trial++) {
        const lambda = Array.from({ length: n }, () => rng.uniform() * 40 - 20).sort((x, y) => y - x);
        const scale = Math.max(...lambda.map(Math.abs));
        assertClose(symmetricEigenvalues(fromSpectrum(lambda, randomOrthogonal(n, rng)), n), lambda, 1e-12 * scale, `n = ${n}`);
      }
    }
  });

  it('handles repeated and clustered eigenvalues', () => {
    const rng = createRng(3);
    const lambda = [4, 4, 4, 1e-9, 0, -2];
    assertClose(symmetricEigenvalues(fromSpectrum(lambda, randomOrthogonal(6, rng)), 6), lambda, 1e-12 * 4, 'repeated');
  });

  it('satisfies Σλ = tr A and Σλ² = ‖A‖²_F on LAWT matrices, and A v = λ v', () => {
    const rng = createRng(4);
    for (let trial = 0; trial < 200; trial++) {
      const n = 5;
      const a = randomSymmetricMatrix(n, rng);
      const { values, vectors, sweeps } = jacobiEigen(a, n, { vectors: true });
      assert.ok(sweeps <= 10, `${sweeps} sweeps`);
      const norm2 = frobeniusSquared(a);
      const sum = values.reduce((s, l) => s + l, 0);
      const sumSq = values.reduce((s, l) => s + l * l, 0);
      assert.ok(Math.abs(sum - trace(a, n)) <= 1e-12 * Math.sqrt(norm2), `trace: ${sum} vs ${trace(a, n)}`);
      assert.ok(Math.abs(sumSq - norm2) <= 1e-12 * norm2, `Frobenius: ${sumSq} vs ${norm2}`);
      for (let i = 1; i < n; i++) assert.ok(values[i - 1]! >= values[i]!, 'descending');
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          let av = 0;
          for (let k = 0; k < n; k++) av += a[i * n + k]! * vectors![k * n + j]!;
          assert.ok(Math.abs(av - values[j]! * vectors![i * n + j]!) <= 1e-11 * Math.sqrt(norm2), 'A v = λ v');
        }
      }
    }
  });

  it('handles 1×1 and zero matrices, and leaves its input alone', () => {
    assert.deepEqual(Array.from(symmetricEigenvalues([-3], 1)), [-3]);
    assert.deepEqual(Array.from(symmetricEigenvalues(new Float64Array(9), 3)), [0, 0, 0]);
    const a = Float64Array.from([1, 2, 2, 1]);
    symmetricEigenvalues(a, 2);
    assert.deepEqual(Array.from(a), [1, 2, 2, 1]);
  });

  it('rejects wrong sizes and non-finite entries', () => {
    assert.throws(() => symmetricEigenvalues([1, 2, 3], 2), /3 entries for a 2×2 matrix/);
    assert.throws(() => symmetricEigenvalues([1, NaN, NaN, 1], 2), /entry 1 is NaN/);
    assert.throws(() => symmetricEigenvalues([], 0), /not a positive integer/);
  });
});
