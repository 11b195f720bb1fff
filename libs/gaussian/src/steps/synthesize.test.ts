import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { dot, normalCdf } from '@veriflow/ml';
import { stepTester } from '@veriflow/steps-core';
import { MODEL_FORMAT } from '../artifacts/model-file.js';
import { readProblem } from '../artifacts/problem-file.js';
import { SYNTHESIZED_FORMAT, readSynthesized } from '../artifacts/synthesized-file.js';
import { sample } from './sample.js';
import { synthesize } from './synthesize.js';

const steps = stepTester();
after(steps.cleanup);

const { run } = steps;

/** A path in a temporary directory of its own (removed after the tests). */
async function scratch(name: string): Promise<string> {
  const t = await steps.context({ with: {} });
  return join(t.workdir, name);
}

const U = 1.555;

async function problem(): Promise<string> {
  return (await run(sample, { dim: 12, mu_norm: U, direction: 'random', n_test: 0, n_train: 0 }, 5)).path('problem');
}

describe('gaussian/synthesize', () => {
  it('writes the exact recipe of a flip generator: the problem, n, the generator, its error p and the seed', async () => {
    const problemPath = await problem();
    const { outputs, path, t } = await run(synthesize, { problem: problemPath, n: 1234, generator: { kind: 'flip', p: 0.3 } }, 99);
    assert.deepEqual(outputs, { generator_error: 0.3 });
    const data = await readSynthesized(path('data'));
    assert.equal(data.format, SYNTHESIZED_FORMAT);
    assert.deepEqual(data.problem, await readProblem(problemPath));
    assert.equal(data.n, 1234);
    assert.deepEqual(data.generator, { kind: 'flip', p: 0.3 });
    assert.equal(data.generator_error, 0.3);
    assert.equal(data.seed, 99);
    assert.deepEqual(t.metrics, [{ key: 'generator_error', value: 0.3, step: 0 }]);
  });

  it('gives a linear generator at angle θ to μ the error rate Φ(−‖μ‖ cos θ)', async () => {
    const problemPath = await problem();
    for (const angle of [0, 30, 60, 90, 135, 180]) {
      const { outputs, path } = await run(synthesize, { problem: problemPath, n: 10, generator: { kind: 'linear', angle_deg: angle } });
      const expected = normalCdf(-U * Math.cos((angle * Math.PI) / 180));
      assert.ok(Math.abs(outputs.generator_error - expected) < 1e-12, `${angle}°: ${outputs.generator_error} vs ${expected}`);
      const data = await readSynthesized(path('data'));
      assert.equal(data.generator.kind, 'linear');
      assert.equal(data.generator_error, outputs.generator_error);
    }
  });

  it('gives a generator from a trained model the error rate Φ(−wᵀμ/‖w‖), and checks its dimension', async () => {
    const problemPath = await problem();
    const mu = (await readProblem(problemPath)).mu;
    const w = mu.map((m, i) => m + (i % 3) - 1);
    const model = await scratch('model.json');
    await writeFile(model, JSON.stringify({ format: MODEL_FORMAT, estimator: 'ridge', lambda: 0, w, trained_on: 10 }));
    const { outputs } = await run(synthesize, { problem: problemPath, n: 10, generator: { kind: 'linear', model } });
    const expected = normalCdf(-dot(w, mu) / Math.sqrt(dot(w, w)));
    assert.ok(Math.abs(outputs.generator_error - expected) < 1e-12, `${outputs.generator_error} vs ${expected}`);

    await writeFile(model, JSON.stringify({ format: MODEL_FORMAT, estimator: 'ridge', lambda: 0, w: [1, 2, 3], trained_on: 10 }));
    await assert.rejects(run(synthesize, { problem: problemPath, n: 10, generator: { kind: 'linear', model } }), /3 weights but the problem has d = 12/);
  });

  it('fails with a sentence when the generator lacks its parameter or the problem input is another artifact', async () => {
    const problemPath = await problem();
    await assert.rejects(run(synthesize, { problem: problemPath, n: 10, generator: { kind: 'flip' } }), /generator kind flip needs p/);
    const data = (await run(synthesize, { problem: problemPath, n: 10, generator: { kind: 'flip', p: 0.1 } })).path('data');
    await assert.rejects(run(synthesize, { problem: data, n: 10, generator: { kind: 'flip', p: 0.1 } }), /problem: expected a "veriflow.gaussian.problem\/1" artifact/);
    assert.ok((await readFile(data, 'utf8')).length > 0);
  });
});
