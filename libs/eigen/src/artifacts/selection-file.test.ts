import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { encodeVector } from '../encoding/p1000.js';
import { toIds } from '../encoding/vocabulary.js';
import { sampleMatrixSet } from '../steps/sample.js';
import { decodeSelection, encodeSelection, selectionHeader } from './selection-file.js';
import { realTrainingPairs, selectedTrainingPairs } from './training-pairs.js';

const measured = { correct: 1, wrong: 1, kept_correct: 1, kept_wrong: 0, malformed: 0, phi: 1, psi: 0, p_star: 1, generator_error: 0.5, keep_rate: 0.5, top1_error: 0.5 };

describe('selection file and training pairs', () => {
  const data = sampleMatrixSet(3, 5, createRng(1));
  const values = [20, 10, 0, -5, -10];
  const header = selectionHeader({ dim: 5, count: 2, kept: 1, mode: 'prune', verifier: 'oracle(1%)', tolerance: 0.01, measured });
  const rows = [
    { index: 2, kept: true as const, candidate: 0, score: -1, tokens: toIds(encodeVector(values)), eigenvalues: values, correct: true },
    { index: 0, kept: false as const },
  ];

  it('round-trips header and rows', () => {
    const back = decodeSelection(new TextDecoder().decode(encodeSelection({ header, rows })));
    assert.deepEqual(back, { header, rows });
    assert.equal(back.header.format, 'veriflow.eigen.selection/1');
  });

  it('rejects inconsistent files', () => {
    const lines = (h: object, ...r: object[]) => [h, ...r].map((x) => JSON.stringify(x)).join('\n');
    assert.throws(() => decodeSelection(lines({ ...header, kept: 2 }, ...rows), 's'), /s:1: header says 2 kept rows but 1 are marked kept/);
    assert.throws(() => decodeSelection(lines(header, rows[0]!), 's'), /header says 2 rows but the file has 1/);
    assert.throws(() => decodeSelection(lines(header, { ...rows[0]!, eigenvalues: [1] }, rows[1]!), 's'), /s:2: a kept row needs "tokens" and 5 "eigenvalues"/);
    assert.throws(() => decodeSelection(lines(header, { kept: false }, rows[1]!), 's'), /s:2: expected \{"index"/);
  });

  it('pairs kept rows with their matrices: 77 input and 17 target ids for 5×5', () => {
    const pairs = selectedTrainingPairs({ header, rows }, data);
    assert.equal(pairs.length, 1);
    assert.equal(pairs[0]!.index, 2);
    assert.equal(pairs[0]!.input.length, 77);
    assert.deepEqual(pairs[0]!.target, toIds(encodeVector(values)));
    const real = realTrainingPairs(data);
    assert.equal(real.length, 3);
    assert.equal(real[1]!.target.length, 17);
    assert.throws(() => selectedTrainingPairs({ header: { ...header, dim: 3 }, rows }, data), /dimension 3/);
    assert.throws(() => selectedTrainingPairs({ header, rows: [{ ...rows[0]!, index: 9 }] }, data), /input 9 but the data file holds 3/);
  });
});
