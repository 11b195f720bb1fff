// Top-k selection, noise covariance, and the halfspace variant: the three extensions of the Gaussian task.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { normalCdf } from '@veriflow/ml';
import { applyRoot, mahalanobisNorm } from './covariance.js';
import { ridge } from './estimators.js';
import { distributionAccuracy, empiricalAccuracy, exactAccuracy, halfspaceAccuracy } from './evaluate.js';
import { exactStatistics } from './exact-statistics.js';
import { meanVector, orthogonalUnit, unitAtAngle } from './model.js';
import { projectedStatistics } from './projected-statistics.js';
import { simulationMethodFor } from './simulate.js';
import { selectKth, streamKeptRows, streamStatistics, topKThreshold } from './stream.js';
import { assertSameDistribution, statisticFeatures } from './test-support.js';
import { planeDirections, predictedRates } from './theory.js';
import { rateEstimates } from './types.js';
import type { CellConfig, Covariance, KeptStatistics } from './types.js';

const near = (actual: number, expected: number, tol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected} ± ${tol}, got ${actual}`);

/** Features of many draws of a cell by one simulation path. */
function draws(cell: CellConfig, simulate: (c: CellConfig, seed: number) => KeptStatistics, seeds: number): Record<string, number[]> {
  const features: Record<string, number[]> = { phiHat: [], psiHat: [] };
  for (let seed = 0; seed < seeds; seed++) {
    const s = simulate(cell, seed);
    const r = rateEstimates(s);
    features['phiHat']!.push(r.phiHat);
    features['psiHat']!.push(r.psiHat);
    for (const [k, v] of Object.entries(statisticFeatures(s, cell.mu))) (features[k] ??= []).push(v);
  }
  return features;
}

function assertPathsAgree(label: string, cell: CellConfig, other: (c: CellConfig, seed: number) => KeptStatistics, seeds = 200): void {
  const a = draws(cell, other, seeds);
  const b = draws(cell, (c, seed) => streamStatistics(c, createRng(10_000 + seed)), seeds);
  for (const key of Object.keys(a)) if (a[key]!.every(Number.isFinite)) assertSameDistribution(`${label}: ${key}`, a[key]!, b[key]!, 3.5);
}

describe('top-k selection', () => {
  it('selectKth agrees with sorting, duplicates included', () => {
    const rng = createRng(1);
    for (const n of [1, 2, 7, 100, 1001]) {
      const values = Float64Array.from({ length: n }, () => Math.floor(rng.uniform() * (n / 3 + 1)));
      const sorted = Float64Array.from(values).sort();
      for (const index of [0, n >> 1, n - 1]) assert.equal(selectKth(Float64Array.from(values), index), sorted[index]);
    }
  });

  it('topKThreshold returns the k-th largest score and how many of the tied scores the top k takes', () => {
    const scores = Float64Array.from([1, 2, 3, 2, 2, 0]);
    assert.deepEqual(topKThreshold(scores, 3), { threshold: 2, ties: 2 });
    assert.deepEqual(topKThreshold(scores, 1), { threshold: 3, ties: 1 });
    assert.deepEqual(topKThreshold(scores, 6), { threshold: 0, ties: 1 });
    assert.deepEqual(topKThreshold(scores, 0), { threshold: Infinity, ties: 0 });
  });

  const d = 6;
  const mu = meanVector(d, 1.3, createRng(2));
  const unitMu = mu.map((m) => m / 1.3);
  const { a, b } = planeDirections(mu, 0.7, 0.4, 'opposite', orthogonalUnit(mu, createRng(3)));

  it('keeps exactly k pairs on both paths, for every k, even when every score ties (b = 0)', () => {
    const n = 500;
    for (const k of [0, 1, 137, 250, 499, 500]) {
      for (const verifierB of [b, new Float64Array(d)]) {
        const cell: CellConfig = { mu, n, generator: { kind: 'linear', a }, verifier: { kind: 'top-k', b: verifierB, k } };
        assert.equal(streamStatistics(cell, createRng(k)).kept, k, `stream, k = ${k}`);
        assert.equal(projectedStatistics(cell, createRng(k)).kept, k, `projected, k = ${k}`);
      }
    }
  });

  it('matches a brute-force sort of all n scores (ties to earlier rows), statistics included', () => {
    const n = 300;
    for (const [generator, verifierB] of [
      [{ kind: 'flip', p: 0.3 }, b],
      [{ kind: 'linear', a }, b],
      [{ kind: 'flip', p: 0.3 }, new Float64Array(d)],
    ] as const) {
      // With k = n every row is kept, in order, from the same random streams: the raw material.
      const all = streamKeptRows({ mu, n, generator, verifier: { kind: 'top-k', b: verifierB, k: n } }, createRng(7)).rows;
      assert.equal(all.count, n);
      const norm = Math.hypot(...verifierB) || 1;
      const score = (i: number): number => {
        let s = 0;
        for (let j = 0; j < d; j++) s += all.x[i * d + j]! * verifierB[j]!;
        return (all.y[i]! * s) / norm;
      };
      for (const k of [1, 40, 150, 299]) {
        const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => score(j) - score(i) || i - j);
        const chosen = order.slice(0, k);
        const stats = streamStatistics({ mu, n, generator, verifier: { kind: 'top-k', b: verifierB, k } }, createRng(7));
        const correct = chosen.filter((i) => all.y[i] === all.trueY[i]).length;
        assert.equal(stats.kept, k);
        assert.equal(stats.keptCorrect, correct, `k = ${k}: kept correct`);
        assert.equal(stats.keptWrong, k - correct);
        for (let j = 0; j < d; j++) {
          near(stats.xty[j]!, chosen.reduce((sum, i) => sum + all.y[i]! * all.x[i * d + j]!, 0), 1e-9, `k = ${k}: Xᵀy'[${j}]`);
          near(stats.xtx[j * d + 1]!, chosen.reduce((sum, i) => sum + all.x[i * d + j]! * all.x[i * d + 1]!, 0), 1e-9, `k = ${k}: XᵀX[${j},1]`);
        }
      }
    }
  });

  it('with b along μ and a flip generator, p̂* rises as the budget k shrinks, and follows the predicted large-n value', () => {
    const n = 40_000;
    let previous = 0;
    for (const fraction of [0.9, 0.6, 0.3, 0.1, 0.03]) {
      const cell: CellConfig = { mu, n, generator: { kind: 'flip', p: 0.3 }, verifier: { kind: 'top-k', b: unitMu, k: Math.round(fraction * n) } };
      const measured = rateEstimates(projectedStatistics(cell, createRng(Math.round(fraction * 100)))).pStarHat;
      const predicted = predictedRates(cell).pStar;
      assert.ok(measured > previous, `fraction ${fraction}: p̂* ${measured} should exceed ${previous}`);
      near(measured, predicted, 0.02, `fraction ${fraction}: p̂* vs prediction`);
      previous = measured;
    }
  });

  it('the projected path draws top-k kept sets from the same law as row streaming', () => {
    const cell: CellConfig = { mu, n: 200, generator: { kind: 'linear', a }, verifier: { kind: 'top-k', b, k: 60 } };
    assertPathsAgree('top-k', cell, (c, seed) => projectedStatistics(c, createRng(seed)));
  });

  it('the prediction for a linear generator and a top-k pruner matches a large simulation', () => {
    const cell: CellConfig = { mu, n: 100_000, generator: { kind: 'linear', a }, verifier: { kind: 'top-k', b, k: 25_000 } };
    const r = rateEstimates(projectedStatistics(cell, createRng(5)));
    const p = predictedRates(cell);
    near(r.phiHat, p.phi, 0.01, 'φ');
    near(r.psiHat, p.psi, 0.01, 'ψ');
    near(r.pHat, p.p, 0.01, 'p');
  });
});

describe('noise covariance Σ (whitened)', () => {
  const d = 5;
  const mu = meanVector(d, 1.4, createRng(11));
  const spiked: Covariance = { kind: 'spiked', strength: 3, v: mu.map((m) => m / 1.4) };
  const diagonal: Covariance = { kind: 'diagonal', values: Float64Array.from([0.5, 1, 2, 4, 0.25]) };
  const { a, b } = planeDirections(mu, 0.8, 0.5, 'same', orthogonalUnit(mu, createRng(12)));

  it('applyRoot: L·L = Σ and L⁻¹·L = I for both kinds', () => {
    const x = meanVector(d, 1, createRng(13));
    for (const cov of [spiked, diagonal]) {
      const twice = applyRoot(cov, applyRoot(cov, x, 1), 1);
      const sigma = applyRoot(cov, x, 2);
      const back = applyRoot(cov, applyRoot(cov, x, 1), -1);
      for (let i = 0; i < d; i++) {
        near(twice[i]!, sigma[i]!, 1e-12, `${cov.kind}: LLx = Σx`);
        near(back[i]!, x[i]!, 1e-12, `${cov.kind}: L⁻¹Lx = x`);
      }
    }
  });

  it('rows have covariance Σ around yμ, the statistics are the rows\', and accuracy is Φ(wᵀμ/√(wᵀΣw))', () => {
    for (const covariance of [spiked, diagonal]) {
      const n = 40_000;
      const { stats, rows } = streamKeptRows({ mu, n, generator: { kind: 'flip', p: 0 }, verifier: { kind: 'oracle' }, covariance }, createRng(14));
      assert.equal(rows.count, n);
      const sigma = Array.from({ length: d }, (_, i) => applyRoot(covariance, Float64Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)), 2));
      for (const [i, j] of [[0, 0], [0, 1], [2, 2], [3, 4]] as const) {
        let c = 0;
        for (let r = 0; r < n; r++) c += (rows.x[r * d + i]! - rows.y[r]! * mu[i]!) * (rows.x[r * d + j]! - rows.y[r]! * mu[j]!);
        near(c / n, sigma[i]![j]!, 4 * Math.sqrt((sigma[i]![i]! * sigma[j]![j]! + sigma[i]![j]! ** 2) / n), `${covariance.kind}: Σ[${i},${j}]`);
      }
      let xty0 = 0;
      for (let r = 0; r < n; r++) xty0 += rows.y[r]! * rows.x[r * d]!;
      near(stats.xty[0]!, xty0, 1e-7, `${covariance.kind}: Xᵀy'[0]`);
      const w = Float64Array.from([1, -0.5, 0.3, 0.2, 0.8]);
      const exact = exactAccuracy(w, mu, covariance);
      near(empiricalAccuracy(w, rows.x, rows.y), exact, 4 * Math.sqrt((exact * (1 - exact)) / n), `${covariance.kind}: accuracy`);
      assert.equal(distributionAccuracy(w, { mu, covariance }), exact);
      // Bayes: sign(μᵀΣ⁻¹x) reaches Φ(√(μᵀΣ⁻¹μ)).
      const bayesDirection = applyRoot(covariance, applyRoot(covariance, mu, -1), -1);
      near(exactAccuracy(bayesDirection, mu, covariance), normalCdf(mahalanobisNorm(covariance, mu)), 1e-12, 'Bayes');
    }
  });

  it('exact and projected paths draw from the same law as row streaming with Σ', () => {
    const flip: CellConfig = { mu, n: 150, generator: { kind: 'flip', p: 0.3 }, verifier: { kind: 'rates', phi: 0.8, psi: 0.4 }, covariance: spiked };
    assertPathsAgree('exact, spiked Σ', flip, (c, seed) => exactStatistics(c, createRng(seed)));
    const linear: CellConfig = { mu, n: 150, generator: { kind: 'linear', a }, verifier: { kind: 'linear', b, margin: 0.3 }, covariance: diagonal };
    assertPathsAgree('projected, diagonal Σ', linear, (c, seed) => projectedStatistics(c, createRng(seed)));
  });

  it('the closed-form rates hold in whitened coordinates, and ridge on oracle-kept pairs approaches Bayes Φ(√(μᵀΣ⁻¹μ))', () => {
    const cell: CellConfig = { mu, n: 100_000, generator: { kind: 'linear', a }, verifier: { kind: 'linear', b, margin: 0.2 }, covariance: diagonal };
    const r = rateEstimates(projectedStatistics(cell, createRng(15)));
    const p = predictedRates(cell);
    near(r.pHat, p.p, 0.006, 'p');
    near(r.phiHat, p.phi, 0.01, 'φ');
    near(r.psiHat, p.psi, 0.01, 'ψ');
    near(p.p, 1 - exactAccuracy(a, mu, diagonal), 1e-12, 'p = 1 − accuracy of the generator');
    const oracle: CellConfig = { mu, n: 100_000, generator: { kind: 'flip', p: 0.2 }, verifier: { kind: 'oracle' }, covariance: spiked };
    const w = ridge(exactStatistics(oracle, createRng(16)), 1e-3);
    near(exactAccuracy(w, mu, spiked), normalCdf(mahalanobisNorm(spiked, mu)), 0.003, 'ridge vs Bayes');
  });
});

describe('the halfspace variant', () => {
  const d = 6;
  const wStar = meanVector(d, 1, createRng(21));
  const perp = orthogonalUnit(wStar, createRng(22));
  const at = (degrees: number): Float64Array => unitAtAngle(wStar, (degrees * Math.PI) / 180, perp);

  it('accuracy of sign(wᵀx) is 1 − θ/π, as a large sample confirms; w* itself is perfect', () => {
    const n = 50_000;
    const { rows } = streamKeptRows({ mu: wStar, n, generator: { kind: 'flip', p: 0 }, verifier: { kind: 'oracle' }, distribution: 'halfspace' }, createRng(23));
    assert.equal(empiricalAccuracy(wStar, rows.x, rows.y), 1);
    for (const degrees of [10, 60, 120]) {
      const expected = 1 - degrees / 180;
      near(halfspaceAccuracy(at(degrees), wStar), expected, 1e-12, `θ = ${degrees}°`);
      near(empiricalAccuracy(at(degrees), rows.x, rows.y), expected, 4 * Math.sqrt((expected * (1 - expected)) / n), `θ = ${degrees}°, sampled`);
      assert.equal(distributionAccuracy(at(degrees), { mu: wStar, distribution: 'halfspace' }), halfspaceAccuracy(at(degrees), wStar));
    }
    // The inputs are N(0, I), not shifted: the mean of y·x is √(2/π)·w*, not a mixture mean.
    let mean0 = 0;
    for (let r = 0; r < n; r++) mean0 += (rows.y[r]! * rows.x[r * d]!) / n;
    near(mean0, Math.sqrt(2 / Math.PI) * wStar[0]!, 4 / Math.sqrt(n), 'E[y·x₀]');
  });

  it('auto picks the projected path (exact does not apply), and projected agrees in law with streaming', () => {
    const flipRandom: CellConfig = { mu: wStar, n: 200, generator: { kind: 'flip', p: 0.3 }, verifier: { kind: 'random', r: 0.5 }, distribution: 'halfspace' };
    assert.equal(simulationMethodFor(flipRandom), 'projected');
    assert.throws(() => exactStatistics(flipRandom, createRng(1)), /halfspace/);
    assertPathsAgree('halfspace, flip + random', flipRandom, (c, seed) => projectedStatistics(c, createRng(seed)));
    const linear: CellConfig = { mu: wStar, n: 200, generator: { kind: 'linear', a: at(30) }, verifier: { kind: 'linear', b: at(-20), margin: 0.3 }, distribution: 'halfspace' };
    assertPathsAgree('halfspace, linear + linear', linear, (c, seed) => projectedStatistics(c, createRng(seed)));
  });

  it('rates match the orthant closed forms (margin 0) and the Monte Carlo prediction (top-k), all verifiers', () => {
    const n = 100_000;
    const cases: Array<[string, CellConfig['generator'], CellConfig['verifier']]> = [
      ['linear generator, oracle', { kind: 'linear', a: at(40) }, { kind: 'oracle' }],
      ['flip generator, rates', { kind: 'flip', p: 0.3 }, { kind: 'rates', phi: 0.8, psi: 0.3 }],
      ['flip generator, linear pruner', { kind: 'flip', p: 0.3 }, { kind: 'linear', b: at(50) }],
      ['linear generator, model pruner', { kind: 'linear', a: at(40) }, { kind: 'model', w: at(-25) }],
      ['linear generator, linear pruner with margin', { kind: 'linear', a: at(40) }, { kind: 'linear', b: at(20), margin: 0.4 }],
      ['linear generator, top-k', { kind: 'linear', a: at(40) }, { kind: 'top-k', b: at(-25), k: 30_000 }],
    ];
    for (const [name, generator, verifier] of cases) {
      const cell: CellConfig = { mu: wStar, n, generator, verifier, distribution: 'halfspace' };
      const r = rateEstimates(streamStatistics(cell, createRng(24)));
      const p = predictedRates(cell);
      near(r.pHat, p.p, 0.006, `${name}: p`);
      near(r.phiHat, p.phi, 0.012, `${name}: φ`);
      if (Number.isFinite(p.psi)) near(r.psiHat, p.psi, 0.012, `${name}: ψ`);
      if (generator.kind === 'linear') near(p.p, 40 / 180, 1e-12, `${name}: p = θ/π`);
    }
  });
});
