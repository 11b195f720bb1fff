import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { stepTester } from '@veriflow/steps-core';
import { eigenvaluesAt, encodeMatrices, matrixAt } from '../artifacts/matrices-file.js';
import { encodeSelection, selectionHeader } from '../artifacts/selection-file.js';
import { decodeMatrix, decodeVector, encodeVector, roundP1000 } from '../encoding/p1000.js';
import { VOCABULARY_SIZE, toIds } from '../encoding/vocabulary.js';
import { encode, TOKENS_FORMAT } from './encode.js';
import { sampleMatrixSet } from './sample.js';

const steps = stepTester();
after(steps.cleanup);

async function encodeWith(input: { data: string; selection?: string }) {
  const t = await steps.context({ with: input });
  const outputs = await encode.run(t.ctx);
  const lines = (await readFile(t.ctx.outputPath('tokens'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  return { outputs, header: lines[0]!, rows: lines.slice(1) as { index: number; input: string; target: string }[] };
}

describe('eigen/encode', () => {
  const set = sampleMatrixSet(20, 3, createRng(5));

  async function dataFile(): Promise<string> {
    const t = await steps.context({ with: {} });
    await t.ctx.writeBytes('data', encodeMatrices(set));
    return t.ctx.outputPath('data');
  }

  it('writes every matrix with its true eigenvalues as tokens that decode back to the rounded numbers', async () => {
    const { outputs, header, rows } = await encodeWith({ data: await dataFile() });
    assert.deepEqual(outputs, { count: 20, input_tokens: 29, target_tokens: 11, vocabulary: VOCABULARY_SIZE });
    assert.equal(header.format, TOKENS_FORMAT);
    assert.equal(rows.length, 20);
    for (const row of rows) {
      const input = row.input.split(' ');
      assert.equal(input.length, 29);
      assert.deepEqual(input.slice(0, 2), ['V3', 'V3']);
      const matrix = decodeMatrix(input);
      assert.ok(!('malformed' in matrix));
      assert.deepEqual(Array.from(matrix.entries), Array.from(matrixAt(set, row.index), roundP1000));
      assert.deepEqual(decodeVector(row.target.split(' '), 3), Array.from(eigenvaluesAt(set, row.index), roundP1000));
    }
  });

  it('with a selection writes only the kept rows and the generator\'s own label tokens (what eigen/train trains on)', async () => {
    const data = await dataFile();
    const t = await steps.context({ with: {} });
    const label = [3, 2, 1];
    const selRows = Array.from({ length: 20 }, (_, index) =>
      index % 4 === 0 ? { index, kept: true as const, candidate: 0, score: -1, tokens: toIds(encodeVector(label)), eigenvalues: label, correct: false } : { index, kept: false as const },
    );
    await t.ctx.writeBytes('selection', encodeSelection({ header: selectionHeader({ dim: 3, count: 20, kept: 5, mode: 'prune', verifier: 'test', tolerance: 0.01, measured: { correct: 0, wrong: 20, kept_correct: 0, kept_wrong: 5, malformed: 0, phi: null, psi: 0.25, p_star: null, generator_error: 1, keep_rate: 0.25, top1_error: 1 } }), rows: selRows }));
    const { outputs, rows } = await encodeWith({ data, selection: t.ctx.outputPath('selection') });
    assert.equal(outputs.count, 5);
    assert.deepEqual(rows.map((r) => r.index), [0, 4, 8, 12, 16]);
    for (const row of rows) assert.deepEqual(row.target.split(' '), encodeVector(label));
    assert.deepEqual(decodeVector(rows[0]!.target.split(' '), 3), label);
  });
});
