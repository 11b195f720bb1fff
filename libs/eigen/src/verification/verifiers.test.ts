import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { eigenvaluesAt, matrixAt } from '../artifacts/matrices-file.js';
import { roundP1000 } from '../encoding/p1000.js';
import { sampleMatrixSet } from '../steps/sample.js';
import { syntheticCandidates } from '../testing/synthetic-candidates.js';
import { isWellFormed, rankCandidates } from './ranked-candidates.js';
import { selectCandidates } from './select.js';
import { consistencyResiduals, passesConsistency, verifierLabel } from './verifiers.js';
import type { Verifier } from './verifiers.js';

/** |value − expected| ≤ z binomial standard errors over n trials. */
function withinSe(value: number | null, expected: number, n: number, what: string, z = 4): void {
  assert.ok(value !== null, `${what} is null`);
  const se = Math.sqrt((expected * (1 - expected)) / n) || 1e-12;
  assert.ok(Math.abs(value - expected) <= z * se, `${what} = ${value}, expected ${expected} ± ${z}×${se.toFixed(4)}`);
}

const N = 3000;
const data = sampleMatrixSet(N, 5, createRng(11));
const P = 0.4;
const noSignal = rankCandidates(syntheticCandidates(data, createRng(12), { beam: 4, errorRate: P }), data, 0.01);
const run = (verifier: Verifier, mode: 'prune' | 'best-of-beam', inputs = noSignal, seed = 13) => selectCandidates(inputs, verifier, mode, { data, rng: createRng(seed) });

describe('verifiers on synthetic candidates with error rate 0.4', () => {
  it('the synthetic data has the requested error rate', () => {
    const out = run({ kind: 'random', keep: 1 }, 'best-of-beam');
    withinSe(out.rates.generatorError, P, 4 * N, 'p̂');
  });

  it('oracle: φ̂ = 1 in prune, ψ̂ = 0 and p̂* = 1 in both modes', () => {
    for (const mode of ['prune', 'best-of-beam'] as const) {
      const out = run({ kind: 'oracle', tolerance: 0.01 }, mode);
      assert.equal(out.rates.psi, 0, mode);
      assert.equal(out.rates.pStar, 1, mode);
      if (mode === 'prune') assert.equal(out.rates.phi, 1);
      // Best-of-beam keeps every input with a correct candidate: all but those whose 4 candidates are wrong.
      else withinSe(out.kept / N, 1 - P ** 4, N, 'inputs kept');
    }
  });

  it('noisy oracle with flip r: φ̂ ≈ 1 − r, ψ̂ ≈ r, p̂* ≈ (1 − r)/((1 − r) + r) in prune', () => {
    for (const r of [0.1, 0.3]) {
      const out = run({ kind: 'noisy-oracle', tolerance: 0.01, flip: r }, 'prune');
      withinSe(out.rates.phi, 1 - r, out.counts.correct, `φ̂ (r = ${r})`);
      withinSe(out.rates.psi, r, out.counts.wrong, `ψ̂ (r = ${r})`);
      assert.ok(Math.abs(out.rates.pStar! - (1 - r)) < 0.04, `p̂* = ${out.rates.pStar} for r = ${r}`);
    }
  });

  it('random: p̂* ≈ 1/2 in both modes when scores carry no information', () => {
    for (const mode of ['prune', 'best-of-beam'] as const) {
      const out = run({ kind: 'random', keep: 0.5 }, mode);
      assert.ok(Math.abs(out.rates.pStar! - 0.5) < 0.04, `${mode}: p̂* = ${out.rates.pStar}`);
    }
    withinSe(run({ kind: 'random', keep: 0.3 }, 'prune').rates.keepRate, 0.3, N, 'keep rate');
  });

  it('a calibration slice measures the rates on its inputs only and leaves the selection alone', () => {
    const verifier: Verifier = { kind: 'oracle', tolerance: 0.01 };
    const all = selectCandidates(noSignal, verifier, 'best-of-beam', { data, rng: createRng(1) });
    const sliced = selectCandidates(noSignal, verifier, 'best-of-beam', { data, rng: createRng(1) }, 'exclude', 500);
    const onlyFirst = selectCandidates(noSignal.slice(0, 500), verifier, 'best-of-beam', { data, rng: createRng(1) });
    assert.deepEqual(sliced.rows, all.rows);
    assert.equal(sliced.kept, all.kept);
    assert.deepEqual(sliced.counts, onlyFirst.counts);
    assert.equal(sliced.top1Error, onlyFirst.top1Error);
    assert.notDeepEqual(sliced.counts, all.counts);
  });

  it('none: keeps every top-1 label (prune: φ̂ = ψ̂ = 1, p̂* = 1/2; best-of-beam: the top-1 of each input)', () => {
    const pruned = run({ kind: 'none' }, 'prune');
    assert.equal(pruned.kept, N);
    assert.deepEqual([pruned.rates.phi, pruned.rates.psi, pruned.rates.pStar], [1, 1, 0.5]);
    const beam = run({ kind: 'none' }, 'best-of-beam');
    assert.equal(beam.kept, N);
    // The first well-formed candidate in score order (the top-1 unless that one is malformed).
    const firstWellFormed = noSignal.map((input) => input.candidates.find(isWellFormed)?.position);
    assert.deepEqual(beam.rows.map((row) => (row.kept ? row.candidate : undefined)), firstWellFormed);
    assert.equal(verifierLabel({ kind: 'none' }), 'none');
  });

  it('self: keeps exactly the top fraction by score; p̂* ≈ 1/2 without signal, well above with it', () => {
    const plain = run({ kind: 'self', fraction: 0.25 }, 'prune');
    assert.equal(plain.kept, Math.round(0.25 * N));
    assert.ok(Math.abs(plain.rates.pStar! - 0.5) < 0.05, `no signal: p̂* = ${plain.rates.pStar}`);
    const informed = rankCandidates(syntheticCandidates(data, createRng(12), { beam: 4, errorRate: P, scoreSignal: 2 }), data, 0.01);
    const out = run({ kind: 'self', fraction: 0.25 }, 'prune', informed);
    assert.ok(out.rates.pStar! > 0.8, `signal 2: p̂* = ${out.rates.pStar}`);
    const byThreshold = run({ kind: 'self', threshold: 0 }, 'prune', informed);
    const top1 = informed.map((input) => input.candidates[0]!);
    assert.equal(byThreshold.kept, top1.filter((c) => c.score >= 0).length);
  });

  it('consistency: keeps every correct candidate and rejects every shifted one (p̂* = 1 here)', () => {
    const out = run({ kind: 'consistency', tolerance: 0.01, sorted: true }, 'best-of-beam');
    assert.equal(out.rates.psi, 0);
    const prune = run({ kind: 'consistency', tolerance: 0.01, sorted: true }, 'prune');
    assert.equal(prune.rates.phi, 1);
    assert.equal(prune.rates.psi, 0);
  });

  it('labels verifiers for tables', () => {
    assert.equal(verifierLabel({ kind: 'oracle', tolerance: 0.01 }), 'oracle(1%)');
    assert.equal(verifierLabel({ kind: 'noisy-oracle', tolerance: 0.01, flip: 0.2 }), 'noisy-oracle(flip=0.2)');
    assert.equal(verifierLabel({ kind: 'self', fraction: 0.5 }), 'self(top 50%)');
    assert.equal(verifierLabel({ kind: 'self', threshold: -3 }), 'self(score≥-3)');
    assert.equal(verifierLabel({ kind: 'consistency', tolerance: 0.02, sorted: false }), 'consistency(2%, unsorted)');
    assert.equal(verifierLabel({ kind: 'random', keep: 0.5 }), 'random(keep=0.5)');
  });
});

describe('consistency check', () => {
  const a = matrixAt(data, 0);
  const lambda = Array.from(eigenvaluesAt(data, 0));
  const scale = lambda.reduce((s, v) => s + Math.abs(v), 0);

  it('passes exact and P1000-rounded eigenvalues of every matrix at 1%', () => {
    assert.ok(consistencyResiduals(a, 5, lambda).trace < 1e-12);
    assert.ok(consistencyResiduals(a, 5, lambda).frobenius < 1e-12);
    for (let i = 0; i < N; i++) {
      const rounded = Array.from(eigenvaluesAt(data, i), roundP1000);
      assert.ok(passesConsistency(matrixAt(data, i), 5, rounded, 0.01, true), `matrix ${i}`);
    }
  });

  it('rejects a shift of one eigenvalue beyond the tolerance, and accepts one within it', () => {
    const shifted = (delta: number) => lambda.map((v, k) => (k === 2 ? v + delta : v)).sort((x, y) => y - x);
    const norm = Math.sqrt(lambda.reduce((s, v) => s + v * v, 0));
    assert.equal(passesConsistency(a, 5, shifted(0.02 * norm), 0.01, true), false);
    assert.ok(Math.abs(consistencyResiduals(a, 5, shifted(0.02 * norm)).trace - 0.02) < 1e-9);
    assert.equal(passesConsistency(a, 5, shifted(0.002 * norm), 0.01, true), true);
    assert.equal(passesConsistency(a, 5, shifted(0.1 * scale), 0.05, true), false);
  });

  it('cannot see errors that preserve the trace when they also nearly preserve Σλ²', () => {
    // Moving the two middle eigenvalues towards each other keeps the trace and changes Σλ² only by 2δ(λ₃−λ₂)+2δ².
    const delta = 0.01 * scale;
    const moved = [...lambda];
    moved[1] = moved[1]! - delta;
    moved[2] = moved[2]! + delta;
    const r = consistencyResiduals(a, 5, moved);
    assert.ok(r.trace < 1e-12);
    assert.ok(r.frobenius > 0);
  });

  it('requires descending order unless told otherwise, and the right length', () => {
    const reversed = [...lambda].reverse();
    assert.equal(passesConsistency(a, 5, reversed, 0.01, true), false);
    assert.equal(passesConsistency(a, 5, reversed, 0.01, false), true);
    assert.equal(passesConsistency(a, 5, lambda.slice(1), 0.01, false), false);
  });

  it('handles the zero matrix', () => {
    assert.deepEqual(consistencyResiduals(new Float64Array(4), 2, [0, 0]), { trace: 0, frobenius: 0 });
    assert.equal(passesConsistency(new Float64Array(4), 2, [1, -1], 0.01, false), false);
  });
});
