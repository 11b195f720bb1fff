import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TOLERANCE, TOLERANCES, isCorrect, isMalformed, relativeL1Error } from './tolerance.js';

describe('relativeL1Error / isCorrect', () => {
  const truth = [10, -5, 3, 2];

  it('is Σ|ŷ − y| / Σ|y|', () => {
    assert.equal(relativeL1Error([10, -5, 3, 2], truth), 0);
    assert.ok(Math.abs(relativeL1Error([10.2, -5, 3, 2], truth) - 0.01) < 1e-15);
    assert.ok(Math.abs(relativeL1Error([11, -6, 3, 2], truth) - 0.1) < 1e-15);
    assert.equal(relativeL1Error(Float64Array.from([10, -5, 3, 1]), truth), 1 / 20);
  });

  it('counts correct strictly below 1%, 2%, 5%', () => {
    assert.deepEqual(TOLERANCES, [0.01, 0.02, 0.05, 0.1]);
    assert.equal(DEFAULT_TOLERANCE, 0.01);
    const off = (e: number) => [10 + 20 * e, -5, 3, 2];
    assert.equal(isCorrect(off(0.009), truth), true);
    assert.equal(isCorrect(off(0.011), truth), false);
    assert.equal(isCorrect(off(0.011), truth, 0.02), true);
    assert.equal(isCorrect(off(0.03), truth, 0.02), false);
    assert.equal(isCorrect(off(0.03), truth, 0.05), true);
    // Exactly at the tolerance is wrong (LAWT compares with <).
    assert.equal(isCorrect([10.5, -5, 3, 2], [10, -5, 3, 2], 0.025), false);
  });

  it('treats malformed, missing, wrong-length and non-finite predictions as wrong', () => {
    const malformed = { malformed: 'unknown token' };
    assert.ok(isMalformed(malformed));
    assert.ok(!isMalformed([1]));
    assert.ok(!isMalformed(undefined));
    for (const p of [malformed, undefined, [10, -5, 3], [10, -5, 3, 2, 0], [10, NaN, 3, 2], [Infinity, -5, 3, 2]]) {
      assert.equal(relativeL1Error(p, truth), Infinity);
      assert.equal(isCorrect(p, truth), false);
    }
  });

  it('handles an all-zero truth: only an exact prediction is correct', () => {
    assert.equal(isCorrect([0, 0], [0, 0]), true);
    assert.equal(isCorrect([0, 1e-9], [0, 0]), false);
  });

  it('rejects a non-positive tolerance', () => {
    assert.throws(() => isCorrect([1], [1], 0), /tolerance 0/);
  });
});
