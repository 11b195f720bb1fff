import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { candidatesHeader } from '../artifacts/candidates-file.js';
import type { CandidatesFile } from '../artifacts/candidates-file.js';
import { eigenvaluesAt } from '../artifacts/matrices-file.js';
import { encodeVector } from '../encoding/p1000.js';
import { toIds } from '../encoding/vocabulary.js';
import { sampleMatrixSet } from '../steps/sample.js';
import { rankCandidates } from './ranked-candidates.js';
import { selectCandidates } from './select.js';
import type { Verifier } from './verifiers.js';

/**
 * Four inputs, hand-built so every count is known:
 *   input 0: wrong (score −1), correct (−2), correct (−3), written to the file in the order [−3, −1, −2]
 *   input 1: correct (−0.5), wrong (−1)
 *   input 2: malformed (−0.1), correct (−0.2)
 *   input 3: no candidates
 */
const data = sampleMatrixSet(4, 3, createRng(5));
const truth = (i: number) => Array.from(eigenvaluesAt(data, i));
const right = (i: number, score: number) => ({ tokens: toIds(encodeVector(truth(i))), score });
const wrong = (i: number, score: number) => ({ tokens: toIds(encodeVector(truth(i).map((v, k) => (k === 0 ? v + 0.1 * truth(i).reduce((s, x) => s + Math.abs(x), 0) : v)))), score });
const file: CandidatesFile = {
  header: candidatesHeader(3, 3, 4),
  inputs: [
    { index: 0, candidates: [right(0, -3), wrong(0, -1), right(0, -2)] },
    { index: 1, candidates: [right(1, -0.5), wrong(1, -1)] },
    { index: 2, candidates: [{ tokens: toIds(encodeVector(truth(2))).slice(0, 7), score: -0.1 }, right(2, -0.2)] },
    { index: 3, candidates: [] },
  ],
};
const inputs = rankCandidates(file, data, 0.01);
const ctx = { data, rng: createRng(1) };
const oracle: Verifier = { kind: 'oracle', tolerance: 0.01 };

describe('rankCandidates', () => {
  it('ranks by score, keeps file positions, decodes and grades', () => {
    assert.deepEqual(inputs[0]!.candidates.map((c) => [c.position, c.rank, c.correct]), [[1, 0, false], [2, 1, true], [0, 2, true]]);
    assert.ok('malformed' in inputs[2]!.candidates[0]!.values);
    assert.equal(inputs[3]!.candidates.length, 0);
  });

  it('refuses candidates that do not belong to the data file', () => {
    assert.throws(() => rankCandidates({ ...file, header: candidatesHeader(5, 3, 4) }, data, 0.01), /for 5×5 matrices but the data file holds 3×3/);
    assert.throws(() => rankCandidates({ header: file.header, inputs: [{ index: 4, candidates: [] }] }, data, 0.01), /input 4, but the data file holds 4 matrices/);
  });
});

describe('selectCandidates: best-of-beam vs prune', () => {
  it('best-of-beam with the oracle picks the first correct candidate by score and counts over all candidates', () => {
    const out = selectCandidates(inputs, oracle, 'best-of-beam', ctx);
    assert.deepEqual(out.rows.map((r) => (r.kept ? [r.index, r.candidate] : [r.index, null])), [[0, 2], [1, 0], [2, 1], [3, null]]);
    assert.deepEqual(out.counts, { correct: 4, wrong: 2, keptCorrect: 3, keptWrong: 0 });
    assert.equal(out.kept, 3);
    assert.equal(out.malformed, 1);
    assert.deepEqual(out.rates, { phi: 0.75, psi: 0, pStar: 1, generatorError: 2 / 6, keepRate: 0.5 });
    assert.equal(out.top1Error, 3 / 4);
    const row = out.rows[0]!;
    assert.ok(row.kept);
    assert.deepEqual(row.tokens, toIds(encodeVector(truth(0))));
    assert.deepEqual(row.eigenvalues, truth(0).map((v) => Number(v.toPrecision(3))));
    assert.equal(row.correct, true);
    assert.equal(row.score, -2);
  });

  it('prune with the oracle keeps or drops only the top-1 candidates', () => {
    const out = selectCandidates(inputs, oracle, 'prune', ctx);
    assert.deepEqual(out.rows.map((r) => r.kept), [false, true, false, false]);
    assert.deepEqual(out.counts, { correct: 1, wrong: 1, keptCorrect: 1, keptWrong: 0 });
    assert.equal(out.malformed, 1);
    assert.equal(out.rates.pStar, 1);
    assert.equal(out.top1Error, 3 / 4);
  });

  it('counts malformed candidates as wrong on request, never keeping them', () => {
    const beam = selectCandidates(inputs, oracle, 'best-of-beam', ctx, 'count-wrong');
    assert.deepEqual(beam.counts, { correct: 4, wrong: 3, keptCorrect: 3, keptWrong: 0 });
    const prune = selectCandidates(inputs, oracle, 'prune', ctx, 'count-wrong');
    assert.deepEqual(prune.counts, { correct: 1, wrong: 2, keptCorrect: 1, keptWrong: 0 });
  });

  it('a verifier that passes everything keeps the top well-formed candidate: φ̂ = ψ̂', () => {
    const out = selectCandidates(inputs, { kind: 'random', keep: 1 }, 'best-of-beam', ctx);
    assert.deepEqual(out.rows.map((r) => (r.kept ? r.candidate : null)), [1, 0, 1, null]);
    assert.deepEqual(out.counts, { correct: 4, wrong: 2, keptCorrect: 2, keptWrong: 1 });
    assert.equal(out.rates.pStar, 0.5);
  });

  it('a verifier that passes nothing keeps nothing: p̂* undefined, not NaN', () => {
    const out = selectCandidates(inputs, { kind: 'random', keep: 0 }, 'prune', ctx);
    assert.equal(out.kept, 0);
    assert.equal(out.rates.pStar, null);
  });

  it('handles no inputs at all', () => {
    const out = selectCandidates([], oracle, 'best-of-beam', ctx);
    assert.deepEqual(out.rows, []);
    assert.equal(out.top1Error, null);
    assert.equal(out.rates.generatorError, null);
  });
});
