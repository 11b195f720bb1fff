import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { dot } from '@veriflow/ml';
import { bayesAccuracy, meanVector, muNormForBayesAccuracy, norm2, orthogonalUnit, unitAtAngle } from './model.js';

describe('mixture model', () => {
  it('meanVector has the requested norm, along e1 or in a seeded random direction', () => {
    const e1 = meanVector(5, 1.555);
    assert.deepEqual([...e1], [1.555, 0, 0, 0, 0]);
    const r1 = meanVector(200, 1.555, createRng(3));
    const r2 = meanVector(200, 1.555, createRng(3));
    assert.deepEqual(r1, r2);
    assert.ok(Math.abs(norm2(r1) - 1.555) < 1e-12);
    assert.ok(Math.abs((r1[0] as number) - 1.555) > 1e-3, 'not along e1');
    assert.deepEqual(meanVector(3, 2, createRng(1), 'e1'), Float64Array.of(2, 0, 0));
    assert.throws(() => meanVector(3, 1, undefined, 'random'), /needs an rng/);
    assert.throws(() => meanVector(0, 1), RangeError);
  });

  it('maps Bayes accuracy to ‖μ‖ and back (0.94 ↔ 1.5548)', () => {
    assert.ok(Math.abs(muNormForBayesAccuracy(0.94) - 1.5547735945968535) < 1e-12);
    assert.ok(Math.abs(bayesAccuracy(muNormForBayesAccuracy(0.8)) - 0.8) < 1e-14);
    assert.equal(muNormForBayesAccuracy(0.5), 0);
    assert.throws(() => muNormForBayesAccuracy(0.3), RangeError);
  });

  it('builds unit directions at a given angle to μ', () => {
    const mu = meanVector(6, 1.3, createRng(8));
    const perp = orthogonalUnit(mu, createRng(9));
    assert.ok(Math.abs(dot(perp, mu)) < 1e-12);
    assert.ok(Math.abs(norm2(perp) - 1) < 1e-12);
    const v = unitAtAngle(mu, 0.7, perp);
    assert.ok(Math.abs(norm2(v) - 1) < 1e-12);
    assert.ok(Math.abs(dot(v, mu) / 1.3 - Math.cos(0.7)) < 1e-12);
    const det = orthogonalUnit(meanVector(4, 1));
    assert.deepEqual([...det], [0, 1, 0, 0]);
  });
});
