import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stepTester } from '@veriflow/steps-core';
import { encodeKept, readKept } from '../artifacts/kept-file.js';
import { MODEL_FORMAT, readModel } from '../artifacts/model-file.js';
import { readProblem } from '../artifacts/problem-file.js';
import { exactAccuracy } from '../math/index.js';
import type { KeptStatistics } from '../math/index.js';
import { sample } from './sample.js';
import { synthesize } from './synthesize.js';
import { train } from './train.js';
import { verify } from './verify.js';

const steps = stepTester();
after(steps.cleanup);

const { run } = steps;

async function scratch(name: string): Promise<string> {
  const t = await steps.context({ with: {} });
  return join(t.workdir, name);
}

const defaults = { estimator: 'ridge', lambda: 0.001, ridge_scaling: 'kept', tolerance: 1e-8, max_iterations: 100 } as const;

/**
 * Three kept rows in d = 2: x = (1, 0) y' = +1, x = (0, 2) y' = −1, x = (1, 1) y' = +1.
 * XᵀX = [[2, 1], [1, 5]], Xᵀy' = (2, −1).
 */
async function tinyKeptFile(): Promise<string> {
  const stats: KeptStatistics = {
    dim: 2,
    synthesized: 4,
    correct: 3,
    wrong: 1,
    keptCorrect: 2,
    keptWrong: 1,
    kept: 3,
    xtx: Float64Array.from([2, 1, 1, 5]),
    xty: Float64Array.from([2, -1]),
  };
  const path = await scratch('tiny.kept');
  await writeFile(path, encodeKept(stats));
  return path;
}

/** [[a, b], [b, c]] w = r by Cramer's rule. */
function solve2(a: number, b: number, c: number, r: readonly [number, number]): [number, number] {
  const det = a * c - b * b;
  return [(c * r[0] - b * r[1]) / det, (a * r[1] - b * r[0]) / det];
}

function assertVector(actual: readonly number[], expected: readonly number[], tol = 1e-12): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= tol, `w[${i}] = ${v}, expected ${expected[i]}`));
}

describe('gaussian/train', () => {
  it('ridge solves (XᵀX + λ·m·I) w = Xᵀy\' (scaling kept) and (XᵀX + λI) w = Xᵀy\' (scaling none)', async () => {
    const data = await tinyKeptFile();
    const kept = await run(train, { ...defaults, data, lambda: 0.5, ridge_scaling: 'kept' });
    assert.deepEqual(kept.outputs, { trained_on: 3 });
    const model = await readModel(kept.path('model'));
    assert.equal(model.format, MODEL_FORMAT);
    assert.equal(model.estimator, 'ridge');
    assert.equal(model.lambda, 0.5);
    assert.equal(model.trained_on, 3);
    assertVector(model.w, solve2(2 + 1.5, 1, 5 + 1.5, [2, -1]));

    const none = await readModel((await run(train, { ...defaults, data, lambda: 0.5, ridge_scaling: 'none' })).path('model'));
    assertVector(none.w, solve2(2.5, 1, 5.5, [2, -1]));

    // λ = 0 is least squares: w = (XᵀX)⁻¹Xᵀy' = (11/9, −4/9).
    const ols = await readModel((await run(train, { ...defaults, data, lambda: 0 })).path('model'));
    assertVector(ols.w, [11 / 9, -4 / 9]);
  });

  it('mean is Xᵀy\' itself', async () => {
    const model = await readModel((await run(train, { ...defaults, data: await tinyKeptFile(), estimator: 'mean' })).path('model'));
    assert.equal(model.estimator, 'mean');
    assert.deepEqual(model.w, [2, -1]);
  });

  it('logistic needs the kept rows and says how to get them', async () => {
    await assert.rejects(run(train, { ...defaults, data: await tinyKeptFile(), estimator: 'logistic' }), /logistic regression needs the kept rows: set keep_rows: true on the gaussian\/verify step/);
  });

  it('logistic converges on kept rows from gaussian/verify with keep_rows: the gradient vanishes at the returned w', async () => {
    const lambda = 1e-3;
    const problemPath = (await run(sample, { dim: 5, mu_norm: 1.555, direction: 'random', n_test: 0, n_train: 0 }, 31)).path('problem');
    const data = (await run(synthesize, { problem: problemPath, n: 3000, generator: { kind: 'flip', p: 0.1 } }, 32)).path('data');
    const verified = await run(verify, { data, verifier: { kind: 'oracle' }, method: 'auto', keep_rows: true }, 33);
    const { outputs, path, t } = await run(train, { ...defaults, data: verified.path('kept'), estimator: 'logistic', lambda });
    assert.equal(outputs.trained_on, verified.outputs.kept_count);
    const model = await readModel(path('model'));
    assert.equal(model.estimator, 'logistic');
    assert.equal(model.converged, true);
    assert.ok(model.iterations! >= 1 && model.iterations! < 100, `iterations ${model.iterations}`);

    // ∇ = −(1/m) Σ y' x σ(−y' wᵀx) + λw, computed here from the rows.
    const { rows } = await readKept(verified.path('kept'));
    assert.ok(rows);
    const d = 5;
    const gradient = model.w.map((w) => lambda * w);
    for (let r = 0; r < rows.count; r++) {
      let score = 0;
      for (let j = 0; j < d; j++) score += model.w[j]! * rows.x[r * d + j]!;
      const weight = 1 / (1 + Math.exp(rows.y[r]! * score));
      for (let j = 0; j < d; j++) gradient[j] = gradient[j]! - (rows.y[r]! * rows.x[r * d + j]! * weight) / rows.count;
    }
    const norm = Math.sqrt(gradient.reduce((s, g) => s + g * g, 0));
    assert.ok(norm < 1e-6, `gradient norm ${norm} at the returned w`);
    const losses = t.metrics.filter((m) => m.key === 'loss').map((m) => m.value);
    assert.ok(losses.length >= 2 && losses.at(-1)! < losses[0]!, 'the loss decreases');

    // Correct labels only: the model is close to Bayes (d = 5, ~2700 rows).
    const problem = await readProblem(problemPath);
    assert.ok(exactAccuracy(Float64Array.from(model.w), Float64Array.from(problem.mu)) > problem.bayes_accuracy - 0.01);
  });

  it('trains on real pairs from gaussian/sample (all labels correct)', async () => {
    const real = await run(sample, { dim: 4, mu_norm: 1.555, direction: 'e1', n_test: 0, n_train: 500 }, 34);
    const model = await readModel((await run(train, { ...defaults, data: real.path('train'), estimator: 'logistic' })).path('model'));
    assert.equal(model.converged, true);
    assert.equal(model.trained_on, 500);
    assert.ok(exactAccuracy(Float64Array.from(model.w), Float64Array.from([1.555, 0, 0, 0])) > 0.92);
  });

  it('a verifier that kept nothing gives w = 0 and a warning', async () => {
    const path = await scratch('empty.kept');
    await writeFile(path, encodeKept({ dim: 3, synthesized: 10, correct: 5, wrong: 5, keptCorrect: 0, keptWrong: 0, kept: 0, xtx: new Float64Array(9), xty: new Float64Array(3) }));
    const { outputs, path: out, t } = await run(train, { ...defaults, data: path });
    assert.deepEqual(outputs, { trained_on: 0 });
    assert.deepEqual((await readModel(out('model'))).w, [0, 0, 0]);
    assert.ok(t.logs.some((line) => line.level === 'warn' && /kept nothing/.test(line.message)));
  });
});
