import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { binarize, countOutcomes, measureRates } from './rates.js';

describe('measureRates', () => {
  it('computes φ̂, ψ̂, p̂*, p̂ and the keep rate from the counts', () => {
    const r = measureRates({ correct: 80, wrong: 20, keptCorrect: 60, keptWrong: 5 });
    assert.equal(r.phi, 0.75);
    assert.equal(r.psi, 0.25);
    assert.equal(r.pStar, 0.75);
    assert.equal(r.generatorError, 0.2);
    assert.equal(r.keepRate, 0.65);
  });

  it('an oracle has p̂* = 1 and a verifier that keeps everything p̂* = 1/2', () => {
    assert.equal(measureRates({ correct: 7, wrong: 3, keptCorrect: 7, keptWrong: 0 }).pStar, 1);
    assert.equal(measureRates({ correct: 7, wrong: 3, keptCorrect: 7, keptWrong: 3 }).pStar, 0.5);
  });

  it('gives null, never NaN, where a denominator is zero', () => {
    assert.deepEqual(measureRates({ correct: 0, wrong: 0, keptCorrect: 0, keptWrong: 0 }), {
      phi: null,
      psi: null,
      pStar: null,
      generatorError: null,
      keepRate: null,
    });
    const noWrong = measureRates({ correct: 4, wrong: 0, keptCorrect: 2, keptWrong: 0 });
    assert.equal(noWrong.phi, 0.5);
    assert.equal(noWrong.psi, null);
    assert.equal(noWrong.pStar, null);
    assert.equal(noWrong.generatorError, 0);
    // Nothing kept: φ̂ = ψ̂ = 0 and p̂* = 0/0.
    assert.equal(measureRates({ correct: 4, wrong: 4, keptCorrect: 0, keptWrong: 0 }).pStar, null);
  });

  it('rejects counts that cannot come from a tally', () => {
    assert.throws(() => measureRates({ correct: 1, wrong: 1, keptCorrect: 2, keptWrong: 0 }), /keptCorrect = 2 exceeds correct = 1/);
    assert.throws(() => measureRates({ correct: 1, wrong: 1, keptCorrect: 0, keptWrong: 3 }), /keptWrong = 3 exceeds wrong = 1/);
    assert.throws(() => measureRates({ correct: -1, wrong: 1, keptCorrect: 0, keptWrong: 0 }), /correct = -1/);
    assert.throws(() => measureRates({ correct: 1.5, wrong: 1, keptCorrect: 0, keptWrong: 0 }), /not a non-negative integer/);
  });
});

describe('countOutcomes', () => {
  it('tallies correct/wrong and kept flags', () => {
    const counts = countOutcomes([true, true, false, false, true], [true, false, true, false, true]);
    assert.deepEqual(counts, { correct: 3, wrong: 2, keptCorrect: 2, keptWrong: 1 });
  });

  it('random keeping gives p̂* ≈ 1/2', () => {
    const rng = createRng(3);
    const n = 40_000;
    const correct = Array.from({ length: n }, () => rng.uniform() < 0.7);
    const kept = Array.from({ length: n }, () => rng.uniform() < 0.3);
    const r = measureRates(countOutcomes(correct, kept));
    assert.ok(Math.abs(r.pStar! - 0.5) < 0.02, `p̂* = ${r.pStar}`);
  });

  it('rejects flag arrays of different lengths', () => {
    assert.throws(() => countOutcomes([true], []), /1 correctness flags but 0 keep flags/);
  });
});

describe('binarize', () => {
  it('defaults to score ≥ median of the pool and reports the median', () => {
    assert.deepEqual(binarize([0.1, 0.5, 0.3]), { correct: [false, true, true], threshold: 0.3 });
    // Even pool: the mean of the two middle scores, so exactly half of distinct scores pass.
    assert.deepEqual(binarize([0.4, 0.1, 0.2, 0.3]), { correct: [true, false, false, true], threshold: 0.25 });
  });

  it('takes a fixed threshold, inclusive', () => {
    assert.deepEqual(binarize([0.2, 0.5, 0.7], 0.5), { correct: [false, true, true], threshold: 0.5 });
  });

  it('handles an empty pool and rejects non-finite scores or thresholds', () => {
    assert.deepEqual(binarize([]), { correct: [], threshold: null });
    assert.deepEqual(binarize([], 0.3), { correct: [], threshold: 0.3 });
    assert.throws(() => binarize([0.1, NaN]), /score 1 is NaN/);
    assert.throws(() => binarize([0.1], NaN), /threshold NaN/);
  });
});
