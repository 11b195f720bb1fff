import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { ridge } from './estimators.js';
import { exactAccuracy } from './evaluate.js';
import { meanVector, orthogonalUnit } from './model.js';
import { projectedStatistics } from './projected-statistics.js';
import { streamStatistics } from './stream.js';
import { assertSameDistribution, statisticFeatures } from './test-support.js';
import { planeDirections } from './theory.js';
import { rateEstimates } from './types.js';
import type { CellConfig, KeptStatistics } from './types.js';

const SEEDS = 300;

function sample(cell: CellConfig, simulate: (c: CellConfig, seed: number) => KeptStatistics) {
  const features: Record<string, number[]> = { accuracy: [], phiHat: [], psiHat: [] };
  for (let seed = 0; seed < SEEDS; seed++) {
    const s = simulate(cell, seed);
    features['accuracy']!.push(exactAccuracy(ridge(s, 0.01), cell.mu));
    const r = rateEstimates(s);
    features['phiHat']!.push(r.phiHat);
    features['psiHat']!.push(r.psiHat);
    for (const [k, v] of Object.entries(statisticFeatures(s, cell.mu))) (features[k] ??= []).push(v);
  }
  return features;
}

describe('projectedStatistics', () => {
  const d = 9;
  const mu = meanVector(d, 1.1, createRng(31));
  const { a, b } = planeDirections(mu, 0.9, 0.5, 'opposite', orthogonalUnit(mu, createRng(32)));
  const other = meanVector(d, 1, createRng(33)); // a direction outside the plane: k = 3
  const cases: Array<{ name: string; cell: CellConfig }> = [
    { name: 'linear generator, linear pruner with margin', cell: { mu, n: 250, generator: { kind: 'linear', a }, verifier: { kind: 'linear', b, margin: 0.2 } } },
    { name: 'flip generator, model pruner in general position', cell: { mu, n: 250, generator: { kind: 'flip', p: 0.35 }, verifier: { kind: 'model', w: other } } },
    { name: 'linear generator, rates verifier', cell: { mu, n: 200, generator: { kind: 'linear', a: other }, verifier: { kind: 'rates', phi: 0.7, psi: 0.5 } } },
    { name: 'few kept rows', cell: { mu, n: 12, generator: { kind: 'linear', a }, verifier: { kind: 'linear', b: other, margin: 0.5 } } },
  ];
  for (const { name, cell } of cases) {
    it(`draws from the same law as row streaming: ${name}`, () => {
      const projected = sample(cell, (c, seed) => projectedStatistics(c, createRng(1000 + seed)));
      const stream = sample(cell, (c, seed) => streamStatistics(c, createRng(5000 + seed)));
      for (const key of Object.keys(projected)) {
        const x = (projected[key] as number[]).filter((v) => !Number.isNaN(v));
        const y = (stream[key] as number[]).filter((v) => !Number.isNaN(v));
        if (x.length > 10) assertSameDistribution(`${name} / ${key}`, x, y);
      }
    });
  }

  it('reproduces the kept set exactly in the low-dimensional subspace (d = k gives the stream itself)', () => {
    // With d = 2 and μ, a spanning the plane there is no orthogonal part: the projected path is a
    // rotated stream, so counts must match the stream of the rotated cell and XᵀX is exactly PSD.
    const mu2 = Float64Array.of(1, 0.5);
    const cell: CellConfig = { mu: mu2, n: 500, generator: { kind: 'linear', a: Float64Array.of(0.3, 1) }, verifier: { kind: 'oracle' } };
    const s = projectedStatistics(cell, createRng(4));
    assert.equal(s.keptWrong, 0);
    assert.ok((s.xtx[0] as number) > 0 && (s.xtx[0] as number) * (s.xtx[3] as number) >= (s.xtx[1] as number) ** 2);
    assert.ok(Math.abs((s.xtx[1] as number) - (s.xtx[2] as number)) < 1e-9);
  });
});
