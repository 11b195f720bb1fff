import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { frobeniusSquared, isSymmetric, multiply, randomSymmetricMatrix, squareDimension, trace, transpose } from './symmetric-matrix.js';

describe('randomSymmetricMatrix', () => {
  it('mirrors the lower triangle of a uniform [−10, 10] draw (A = tril(a) + tril(a, −1)ᵀ)', () => {
    const n = 5;
    const a = randomSymmetricMatrix(n, createRng(7));
    assert.equal(a.length, 25);
    assert.ok(isSymmetric(a, n));
    // The lower triangle is the row-major draw itself.
    const raw = createRng(7);
    const draws = Array.from({ length: 25 }, () => 10 * (2 * raw.uniform() - 1));
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) assert.equal(a[i * n + j], draws[i * n + j]);
  });

  it('has entries spread over [−range, range] and is reproducible', () => {
    const rng = createRng(8);
    const entries = Array.from({ length: 2000 }, () => Array.from(randomSymmetricMatrix(4, rng, 3))).flat();
    assert.ok(entries.every((x) => x >= -3 && x <= 3));
    assert.ok(Math.min(...entries) < -2.9 && Math.max(...entries) > 2.9);
    assert.ok(Math.abs(entries.reduce((s, x) => s + x, 0) / entries.length) < 0.05);
    assert.deepEqual(randomSymmetricMatrix(3, createRng(1)), randomSymmetricMatrix(3, createRng(1)));
  });

  it('rejects bad dimensions and ranges', () => {
    assert.throws(() => randomSymmetricMatrix(0, createRng(1)), /dimension 0/);
    assert.throws(() => randomSymmetricMatrix(2, createRng(1), -1), /entry range -1/);
  });
});

describe('matrix helpers', () => {
  it('trace, Frobenius, transpose, multiply, squareDimension', () => {
    const a = [1, 2, 3, 4];
    assert.equal(trace(a, 2), 5);
    assert.equal(frobeniusSquared(a), 30);
    assert.deepEqual(Array.from(transpose(a, 2)), [1, 3, 2, 4]);
    assert.deepEqual(Array.from(multiply(a, [0, 1, 1, 0], 2)), [2, 1, 4, 3]);
    assert.equal(squareDimension(new Float64Array(25)), 5);
    assert.throws(() => squareDimension([1, 2, 3]), /square/);
    assert.equal(isSymmetric(a, 2), false);
    assert.equal(isSymmetric([1, 2, 2 + 1e-12, 1], 2, 1e-9), true);
  });
});
