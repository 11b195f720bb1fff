import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { choleskySolve, dot } from '@veriflow/ml';
import { logistic, meanEstimator, ridge } from './estimators.js';
import { exactAccuracy } from './evaluate.js';
import { bayesAccuracy, meanVector } from './model.js';
import { streamKeptRows, streamStatistics } from './stream.js';
import type { LabelledRows } from './types.js';

describe('ridge and mean estimators', () => {
  const d = 6;
  const mu = meanVector(d, 1.5, createRng(1));
  const stats = streamStatistics({ mu, n: 2000, generator: { kind: 'flip', p: 0.2 }, verifier: { kind: 'random', r: 0.5 } }, createRng(2));

  it('solves (XᵀX + λ·s·I) w = Xᵀy′ with s = m (default) or 1', () => {
    for (const [scaling, s] of [['kept', stats.kept], ['none', 1]] as const) {
      const A = Float64Array.from(stats.xtx);
      for (let i = 0; i < d; i++) A[i * d + i]! += 0.7 * s;
      const expected = choleskySolve(A, d, stats.xty);
      const w = ridge(stats, 0.7, { scaling });
      for (let i = 0; i < d; i++) assert.ok(Math.abs((w[i] as number) - (expected[i] as number)) < 1e-12);
    }
    assert.deepEqual(ridge(stats, 0.7), ridge(stats, 0.7, { scaling: 'kept' }));
    assert.deepEqual(meanEstimator(stats), stats.xty);
    assert.ok(exactAccuracy(ridge(stats, 1e-3), mu) > bayesAccuracy(1.5) - 0.02);
  });

  it('returns zero without kept pairs and explains a singular system', () => {
    const empty = streamStatistics({ mu, n: 10, generator: { kind: 'flip', p: 0.2 }, verifier: { kind: 'random', r: 0 } }, createRng(3));
    assert.deepEqual(ridge(empty, 1), new Float64Array(d));
    const tiny = streamStatistics({ mu, n: 3, generator: { kind: 'flip', p: 0 }, verifier: { kind: 'oracle' } }, createRng(3));
    assert.throws(() => ridge(tiny, 0), /singular/);
    assert.throws(() => ridge(stats, -1), RangeError);
  });
});

describe('logistic regression', () => {
  const d = 5;
  const mu = meanVector(d, 1, createRng(4));
  const { rows } = streamKeptRows({ mu, n: 3000, generator: { kind: 'flip', p: 0.15 }, verifier: { kind: 'rates', phi: 0.9, psi: 0.3 } }, createRng(5));

  function loss(r: LabelledRows, w: Float64Array, lambda: number): number {
    let s = 0;
    for (let i = 0; i < r.count; i++) {
      const t = -(r.y[i] as number) * dot(r.x, w, r.dim, i * r.dim, 0);
      s += t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
    }
    return s / r.count + 0.5 * lambda * dot(w, w);
  }

  it('converges to a stationary point of the regularised loss (checked by finite differences)', () => {
    const lambda = 1e-2;
    const res = logistic(rows, lambda, { tol: 1e-10 });
    assert.ok(res.converged, `not converged after ${res.iterations}`);
    assert.ok(res.iterations < 15);
    assert.ok(res.gradientNorm <= 1e-10);
    for (let k = 1; k < res.lossHistory.length; k++) assert.ok((res.lossHistory[k] as number) <= (res.lossHistory[k - 1] as number) + 1e-15);
    assert.ok(Math.abs((res.lossHistory.at(-1) as number) - loss(rows, res.w, lambda)) < 1e-12);
    const h = 1e-5;
    for (let j = 0; j < d; j++) {
      const plus = Float64Array.from(res.w);
      const minus = Float64Array.from(res.w);
      plus[j]! += h;
      minus[j]! -= h;
      assert.ok(Math.abs((loss(rows, plus, lambda) - loss(rows, minus, lambda)) / (2 * h)) < 1e-7);
      assert.ok(loss(rows, plus, lambda) >= (res.lossHistory.at(-1) as number));
    }
    assert.ok(exactAccuracy(res.w, mu) > bayesAccuracy(1) - 0.02);
  });

  it('handles no rows, honours maxIter and a warm start', () => {
    const empty: LabelledRows = { dim: d, count: 0, x: new Float64Array(0), y: new Float64Array(0), trueY: new Int8Array(0) };
    assert.equal(logistic(empty, 1).converged, true);
    const capped = logistic(rows, 1e-2, { maxIter: 1, tol: 1e-14 });
    assert.equal(capped.converged, false);
    assert.equal(capped.iterations, 1);
    const full = logistic(rows, 1e-2, { tol: 1e-10 });
    const warm = logistic(rows, 1e-2, { tol: 1e-10, w0: full.w });
    assert.ok(warm.iterations <= 1);
  });
});
