import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { stepTester } from '@veriflow/steps-core';
import { candidatesHeader, encodeCandidates } from '../artifacts/candidates-file.js';
import { readMatrices } from '../artifacts/matrices-file.js';
import type { MatrixSet } from '../artifacts/matrices-file.js';
import { syntheticCandidates } from '../testing/synthetic-candidates.js';
import { evaluate } from './evaluate.js';
import { sample } from './sample.js';

const steps = stepTester();
after(steps.cleanup);

const N = 2000;

describe('eigen/evaluate', () => {
  let data: string;
  let set: MatrixSet;
  let dir: string;

  before(async () => {
    const t = await steps.context({ with: { n: N, dim: 5, entry_range: 10 }, seed: 31 });
    await sample.run(t.ctx);
    data = t.ctx.outputPath('data');
    set = await readMatrices(data);
    dir = t.root;
  });

  async function evaluateFile(name: string, file: Parameters<typeof encodeCandidates>[0]) {
    const candidates = join(dir, name);
    await writeFile(candidates, encodeCandidates(file));
    const t = await steps.context({ with: { candidates, data } });
    return { outputs: await evaluate.run(t.ctx), t };
  }

  it('scores the top-1 candidate at 1/2/5/10% and what an oracle could pick from the beam', async () => {
    // Wrong candidates are 3–30% off: wrong at 1% and 2%, some right at 5%.
    const { outputs, t } = await evaluateFile('c1.jsonl', syntheticCandidates(set, createRng(32), { beam: 3, errorRate: 0.3, malformedRate: 0.1 }));
    assert.equal(outputs.count, N);
    assert.equal(outputs.missing, 0);
    const se = Math.sqrt(0.6 * 0.4 / N);
    assert.ok(Math.abs(outputs.accuracy - 0.6) < 4 * se, `accuracy ${outputs.accuracy}`);
    assert.equal(outputs.accuracy_2pct, outputs.accuracy);
    assert.ok(outputs.accuracy_5pct > outputs.accuracy);
    assert.ok(outputs.accuracy_10pct >= outputs.accuracy_5pct);
    assert.ok(Math.abs(outputs.beam_accuracy - (1 - 0.4 ** 3)) < 4 * Math.sqrt(0.936 * 0.064 / N), `beam ${outputs.beam_accuracy}`);
    assert.ok(Math.abs(outputs.malformed_rate - 0.1) < 4 * Math.sqrt(0.09 / N));
    assert.deepEqual(t.metrics.map((m) => m.key).sort(), ['accuracy', 'accuracy_10pct', 'accuracy_2pct', 'accuracy_5pct', 'beam_accuracy', 'malformed_rate', 'missing']);
  });

  it('counts matrices without a prediction as wrong', async () => {
    const full = syntheticCandidates(set, createRng(33), { beam: 1, errorRate: 0 });
    const half = { header: candidatesHeader(5, 1, N / 2), inputs: full.inputs.slice(0, N / 2) };
    const { outputs } = await evaluateFile('c2.jsonl', half);
    assert.equal(outputs.missing, N / 2);
    assert.equal(outputs.accuracy, 0.5);
    assert.equal(outputs.accuracy_5pct, 0.5);
  });

  it('ranks by score: a correct candidate behind a better-scored wrong one does not count for top-1', async () => {
    const right = syntheticCandidates(set, createRng(34), { beam: 1, errorRate: 0 });
    const wrong = syntheticCandidates(set, createRng(35), { beam: 1, errorRate: 1 });
    const inputs = right.inputs.map((input, i) => ({
      index: input.index,
      candidates: [{ ...input.candidates[0]!, score: -5 }, { ...wrong.inputs[i]!.candidates[0]!, score: -1 }],
    }));
    const { outputs } = await evaluateFile('c3.jsonl', { header: candidatesHeader(5, 2, N), inputs });
    assert.equal(outputs.accuracy, 0);
    assert.equal(outputs.beam_accuracy, 1);
  });
});
