import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { normalCdf } from '@veriflow/ml';
import { meanVector, orthogonalUnit } from './model.js';
import { projectedStatistics } from './projected-statistics.js';
import { streamStatistics } from './stream.js';
import {
  breakdownPoint,
  flipLinearPrunerRates,
  linearGeneratorLinearPrunerRates,
  planeDirections,
  predictedLimitAccuracy,
  predictedRates,
} from './theory.js';
import { rateEstimates } from './types.js';
import type { CellConfig, KeptStatistics } from './types.js';

/** Measured p̂, φ̂, ψ̂ against predictions, each within 3 binomial standard errors. */
function assertRatesMatch(label: string, s: KeptStatistics, cell: CellConfig): void {
  const pred = predictedRates(cell);
  const est = rateEstimates(s);
  const within = (name: string, got: number, want: number, trials: number): void => {
    const se = Math.sqrt((want * (1 - want)) / trials);
    assert.ok(Math.abs(got - want) <= 3 * se + 1e-12, `${label}: ${name} measured ${got}, predicted ${want} (se ${se})`);
  };
  within('p', est.pHat, pred.p, s.synthesized);
  within('φ', est.phiHat, pred.phi, s.correct);
  within('ψ', est.psiHat, pred.psi, s.wrong);
}

describe('closed forms', () => {
  it('p* = φ/(φ+ψ) and the limit accuracy flips at p*', () => {
    assert.equal(breakdownPoint(1, 0), 1);
    assert.equal(breakdownPoint(0.5, 0.5), 0.5);
    assert.ok(Number.isNaN(breakdownPoint(0, 0)));
    assert.equal(predictedLimitAccuracy(0.3, 0.5, 1.555), normalCdf(1.555));
    assert.ok(Math.abs(predictedLimitAccuracy(0.7, 0.5, 1.555) - (1 - normalCdf(1.555))) < 1e-15);
    assert.equal(predictedLimitAccuracy(0.5, 0.5, 1.555), 0.5);
  });

  it('flip generator + linear pruner without margin: ψ = 1 − φ and p* = the pruner accuracy', () => {
    const r = flipLinearPrunerRates(0.2, 1.555, Math.cos(0.6));
    assert.ok(Math.abs(r.phi + r.psi - 1) < 1e-15);
    assert.ok(Math.abs(r.pStar - normalCdf(1.555 * Math.cos(0.6))) < 1e-15);
  });

  it('a pruner equal to the generator keeps its mistakes: φ = ψ = 1, p* = ½', () => {
    const r = linearGeneratorLinearPrunerRates(1.555, Math.cos(0.4), Math.cos(0.4), 1);
    assert.ok(Math.abs(r.phi - 1) < 1e-12 && Math.abs(r.psi - 1) < 1e-12);
    assert.ok(Math.abs(r.pStar - 0.5) < 1e-12);
    assert.ok(Math.abs(r.p - normalCdf(-1.555 * Math.cos(0.4))) < 1e-15);
    // Perpendicular to μ (cos θ = 0) and uncorrelated with the generator: keeps half of everything.
    const blind = linearGeneratorLinearPrunerRates(1.555, Math.cos(0.4), 0, 0);
    assert.ok(Math.abs(blind.phi - 0.5) < 1e-12 && Math.abs(blind.psi - 0.5) < 1e-12);
  });

  it('planeDirections puts a and b at the requested angles with ρ = cos(θ_a ∓ θ_b)', () => {
    const mu = meanVector(5, 2, createRng(1));
    const same = planeDirections(mu, 0.9, 0.3, 'same');
    const opposite = planeDirections(mu, 0.9, 0.3, 'opposite');
    assert.ok(Math.abs(same.rho - Math.cos(0.6)) < 1e-12);
    assert.ok(Math.abs(opposite.rho - Math.cos(1.2)) < 1e-12);
  });
});

describe('closed forms against simulation (n = 200 000, 3 standard errors)', () => {
  const d = 4;
  const u = 1.555;
  const mu = meanVector(d, u, createRng(7));
  const perp = orthogonalUnit(mu, createRng(8));
  const n = 200_000;

  it('flip generator, linear pruner (with and without margin)', () => {
    for (const margin of [0, 0.4]) {
      const { b } = planeDirections(mu, 0, 0.8, 'same', perp);
      const cell: CellConfig = { mu, n, generator: { kind: 'flip', p: 0.3 }, verifier: { kind: 'linear', b, margin } };
      assertRatesMatch(`flip/linear margin ${margin}`, streamStatistics(cell, createRng(100 + margin * 10)), cell);
    }
  });

  it('linear generator, linear pruner on the same and on opposite sides of μ', () => {
    for (const side of ['same', 'opposite'] as const) {
      for (const [tg, tp, margin] of [[1.0, 0.4, 0], [0.7, 0.7, 0], [1.2, 0.3, 0.3]] as Array<[number, number, number]>) {
        const { a, b } = planeDirections(mu, tg, tp, side, perp);
        const cell: CellConfig = { mu, n, generator: { kind: 'linear', a }, verifier: { kind: 'linear', b, margin } };
        assertRatesMatch(`linear/linear ${side} ${tg}/${tp}/${margin}`, streamStatistics(cell, createRng(200 + tg * 10 + tp)), cell);
        // The projected path simulates the same labels and decisions.
        assertRatesMatch(`projected ${side} ${tg}/${tp}/${margin}`, projectedStatistics(cell, createRng(300 + tg * 10 + tp)), cell);
      }
    }
  });
});
