import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { ridge } from './estimators.js';
import { exactAccuracy } from './evaluate.js';
import { exactStatistics, supportsExactStatistics } from './exact-statistics.js';
import { meanVector } from './model.js';
import { streamStatistics } from './stream.js';
import { assertSameDistribution, statisticFeatures, summarize } from './test-support.js';
import { rateEstimates } from './types.js';
import type { CellConfig, KeptStatistics } from './types.js';

const SEEDS = 300;

function sample(cell: CellConfig, simulate: (c: CellConfig, seed: number) => KeptStatistics, lambda: number) {
  const features: Record<string, number[]> = { accuracy: [], phiHat: [], psiHat: [] };
  for (let seed = 0; seed < SEEDS; seed++) {
    const s = simulate(cell, seed);
    features['accuracy']!.push(exactAccuracy(ridge(s, lambda), cell.mu));
    const r = rateEstimates(s);
    features['phiHat']!.push(r.phiHat);
    features['psiHat']!.push(r.psiHat);
    for (const [k, v] of Object.entries(statisticFeatures(s, cell.mu))) (features[k] ??= []).push(v);
  }
  return features;
}

describe('exactStatistics', () => {
  const mu = meanVector(10, 1, createRng(21));
  const cases: Array<{ name: string; cell: CellConfig; lambda: number }> = [
    { name: 'rates, p < p*', cell: { mu, n: 200, generator: { kind: 'flip', p: 0.3 }, verifier: { kind: 'rates', phi: 0.8, psi: 0.4 } }, lambda: 0.01 },
    { name: 'random, p near p*', cell: { mu, n: 300, generator: { kind: 'flip', p: 0.45 }, verifier: { kind: 'random', r: 0.6 } }, lambda: 0.01 },
    { name: 'few kept rows (m < d)', cell: { mu, n: 25, generator: { kind: 'flip', p: 0.2 }, verifier: { kind: 'rates', phi: 0.3, psi: 0.15 } }, lambda: 0.1 },
    { name: 'oracle (all kept correct)', cell: { mu, n: 60, generator: { kind: 'flip', p: 0.4 }, verifier: { kind: 'oracle' } }, lambda: 0.01 },
  ];
  for (const { name, cell, lambda } of cases) {
    it(`draws from the same law as row streaming: ${name}`, () => {
      const exact = sample(cell, (c, seed) => exactStatistics(c, createRng(1000 + seed)), lambda);
      const stream = sample(cell, (c, seed) => streamStatistics(c, createRng(5000 + seed)), lambda);
      for (const key of Object.keys(exact)) {
        const a = (exact[key] as number[]).filter((v) => !Number.isNaN(v));
        const b = (stream[key] as number[]).filter((v) => !Number.isNaN(v));
        if (a.length > 10) assertSameDistribution(`${name} / ${key}`, a, b);
      }
    });
  }

  it('matches E[XᵀX] = E[m](I + μμᵀ), E[Xᵀy′] = E[K_c − K_w] μ and the verifier rates', () => {
    const d = 5;
    const m5 = meanVector(d, 1.3, createRng(4));
    const cell: CellConfig = { mu: m5, n: 1000, generator: { kind: 'flip', p: 0.35 }, verifier: { kind: 'rates', phi: 0.6, psi: 0.3 } };
    const reps = 400;
    const meanXtx = new Float64Array(d * d);
    const meanXty = new Float64Array(d);
    const phiHat: number[] = [];
    const psiHat: number[] = [];
    for (let r = 0; r < reps; r++) {
      const s = exactStatistics(cell, createRng(r));
      for (let k = 0; k < d * d; k++) meanXtx[k]! += (s.xtx[k] as number) / reps;
      for (let k = 0; k < d; k++) meanXty[k]! += (s.xty[k] as number) / reps;
      phiHat.push(rateEstimates(s).phiHat);
      psiHat.push(rateEstimates(s).psiHat);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) assert.equal(s.xtx[i * d + j], s.xtx[j * d + i]);
    }
    const eKc = 1000 * 0.65 * 0.6;
    const eKw = 1000 * 0.35 * 0.3;
    const eM = eKc + eKw;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const expected = eM * ((i === j ? 1 : 0) + (m5[i] as number) * (m5[j] as number));
        assert.ok(Math.abs((meanXtx[i * d + j] as number) - expected) < 0.02 * eM, `E XᵀX[${i},${j}]`);
      }
      assert.ok(Math.abs((meanXty[i] as number) - (eKc - eKw) * (m5[i] as number)) < 0.03 * eM, `E Xᵀy′[${i}]`);
    }
    const phi = summarize(phiHat);
    const psi = summarize(psiHat);
    assert.ok(Math.abs(phi.mean - 0.6) < 3 * phi.sd / Math.sqrt(reps));
    assert.ok(Math.abs(psi.mean - 0.3) < 3 * psi.sd / Math.sqrt(reps));
  });

  it('handles m = 0, m = 1, refuses x-dependent cells, and is reproducible', () => {
    const mu3 = meanVector(3, 1);
    const none = exactStatistics({ mu: mu3, n: 50, generator: { kind: 'flip', p: 0.3 }, verifier: { kind: 'random', r: 0 } }, createRng(1));
    assert.equal(none.kept, 0);
    assert.deepEqual(none.xtx, new Float64Array(9));
    const one = exactStatistics({ mu: mu3, n: 1, generator: { kind: 'flip', p: 0 }, verifier: { kind: 'oracle' } }, createRng(2));
    assert.equal(one.kept, 1);
    // One row x: XᵀX = x xᵀ has rank one and Xᵀy′ = ±x.
    const x = one.xty;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.ok(Math.abs((one.xtx[i * 3 + j] as number) - (x[i] as number) * (x[j] as number)) < 1e-12);
    const cell: CellConfig = { mu: mu3, n: 100, generator: { kind: 'linear', a: mu3 }, verifier: { kind: 'oracle' } };
    assert.equal(supportsExactStatistics(cell), false);
    assert.throws(() => exactStatistics(cell, createRng(1)), /flip generator/);
    const c2: CellConfig = { mu: mu3, n: 100, generator: { kind: 'flip', p: 0.1 }, verifier: { kind: 'oracle' } };
    assert.deepEqual(exactStatistics(c2, createRng(3)), exactStatistics(c2, createRng(3)));
  });
});
