import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { fillNormal } from '@veriflow/ml';
import { empiricalAccuracy, exactAccuracy, relativeError } from './evaluate.js';
import { bayesAccuracy, meanVector } from './model.js';
import { streamKeptRows } from './stream.js';

describe('accuracy', () => {
  it('exactAccuracy is Φ(wᵀμ/‖w‖) and agrees with a 200k-sample test set within 3 standard errors', () => {
    const d = 8;
    const mu = meanVector(d, 1.555, createRng(1));
    assert.ok(Math.abs(exactAccuracy(mu, mu) - bayesAccuracy(1.555)) < 1e-15);
    assert.equal(exactAccuracy(new Float64Array(d), mu), 0.5);
    assert.ok(Math.abs(exactAccuracy(Float64Array.from(mu, (v) => -v), mu) - (1 - bayesAccuracy(1.555))) < 1e-15);
    const w = new Float64Array(d);
    fillNormal(createRng(2), w);
    for (let i = 0; i < d; i++) w[i]! += mu[i] as number;
    const { rows } = streamKeptRows({ mu, n: 200_000, generator: { kind: 'flip', p: 0 }, verifier: { kind: 'random', r: 1 } }, createRng(3));
    const exact = exactAccuracy(w, mu);
    const emp = empiricalAccuracy(w, rows.x, rows.trueY, rows.count);
    assert.ok(Math.abs(emp - exact) < 3 * Math.sqrt((exact * (1 - exact)) / rows.count), `${emp} vs ${exact}`);
    assert.throws(() => exactAccuracy(new Float64Array(3), mu), RangeError);
  });

  it('relativeError is the share of Bayes accuracy lost', () => {
    assert.equal(relativeError(0.94, 0.94), 0);
    assert.ok(Math.abs(relativeError(0.47, 0.94) - 0.5) < 1e-15);
  });
});
