import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { decodeTensor, dot, normalCdf, normalQuantile } from '@veriflow/ml';
import { stepTester } from '@veriflow/steps-core';
import { readKept } from '../artifacts/kept-file.js';
import { PROBLEM_FORMAT, readProblem } from '../artifacts/problem-file.js';
import { sample } from './sample.js';

const steps = stepTester();
after(steps.cleanup);

const { run } = steps;

const near = (actual: number, expected: number, tol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected} ± ${tol}, got ${actual}`);

describe('gaussian/sample', () => {
  it('writes μ along e1 with the requested norm, and Bayes accuracy Φ(‖μ‖)', async () => {
    const { outputs, path } = await run(sample, { dim: 4, mu_norm: 1.2, direction: 'e1', n_test: 10, n_train: 0 });
    assert.equal(outputs.mu_norm, 1.2);
    near(outputs.bayes_accuracy, normalCdf(1.2), 1e-15, 'bayes_accuracy');
    const problem = await readProblem(path('problem'));
    assert.equal(problem.format, PROBLEM_FORMAT);
    assert.equal(problem.dim, 4);
    assert.deepEqual(problem.mu, [1.2, 0, 0, 0]);
    assert.equal(problem.bayes_accuracy, outputs.bayes_accuracy);
    assert.equal(problem.direction, 'e1');
  });

  it('draws a random direction of the given norm (default 1.555), seeded', async () => {
    const a = await readProblem((await run(sample, { dim: 30, direction: 'random', n_test: 0, n_train: 0 }, 7)).path('problem'));
    const b = await readProblem((await run(sample, { dim: 30, direction: 'random', n_test: 0, n_train: 0 }, 8)).path('problem'));
    assert.equal(a.mu_norm, 1.555);
    near(Math.sqrt(dot(a.mu, a.mu)), 1.555, 1e-12, '‖μ‖');
    near(Math.sqrt(dot(b.mu, b.mu)), 1.555, 1e-12, '‖μ‖');
    assert.ok(a.mu.filter((v) => v !== 0).length === 30, 'no coordinate is special');
    assert.notDeepEqual(a.mu, b.mu);
  });

  it('sets ‖μ‖ = Φ⁻¹(bayes_accuracy), and refuses both at once', async () => {
    const { outputs } = await run(sample, { dim: 3, bayes_accuracy: 0.9, direction: 'e1', n_test: 0, n_train: 0 });
    near(outputs.mu_norm, normalQuantile(0.9), 1e-12, 'mu_norm');
    near(outputs.bayes_accuracy, 0.9, 1e-9, 'bayes_accuracy');
    await assert.rejects(run(sample, { dim: 3, mu_norm: 1, bayes_accuracy: 0.9, direction: 'e1', n_test: 0, n_train: 0 }), /give mu_norm or bayes_accuracy, not both/);
  });

  it('writes a real test set [n_test, d+1] from the mixture: balanced ±1 labels, E[y·x] = μ, unit noise', async () => {
    const n = 20_000;
    const d = 3;
    const { path } = await run(sample, { dim: d, mu_norm: 1.5, direction: 'e1', n_test: n, n_train: 0 }, 3);
    const tensor = decodeTensor(new Uint8Array(await readFile(path('test'))));
    assert.deepEqual(tensor.shape, [n, d + 1]);
    assert.ok(tensor.data instanceof Float32Array);
    const mean = new Float64Array(d);
    const square = new Float64Array(d);
    let positives = 0;
    for (let i = 0; i < n; i++) {
      const y = tensor.data[i * (d + 1) + d] as number;
      assert.ok(y === 1 || y === -1, `label ${y}`);
      if (y === 1) positives++;
      for (let j = 0; j < d; j++) {
        const yx = y * (tensor.data[i * (d + 1) + j] as number);
        mean[j] = mean[j]! + yx / n;
        square[j] = square[j]! + yx * yx / n;
      }
    }
    // y·x ~ N(μ, I): each coordinate's mean is within 3/√n of μ_j, and its variance within 3·√(2/n) of 1.
    near(positives / n, 0.5, 3 * Math.sqrt(0.25 / n), 'share of +1 labels');
    const mu = [1.5, 0, 0];
    for (let j = 0; j < d; j++) {
      near(mean[j]!, mu[j]!, 3 / Math.sqrt(n), `E[y·x_${j}]`);
      near(square[j]! - mean[j]! ** 2, 1, 3 * Math.sqrt(2 / n), `Var[y·x_${j}]`);
    }
  });

  it('writes the real training pairs as a kept file whose labels are all correct and whose statistics are its rows\'', async () => {
    const d = 3;
    const { path } = await run(sample, { dim: d, mu_norm: 1.555, direction: 'random', n_test: 0, n_train: 40 }, 4);
    const { stats, rows } = await readKept(path('train'));
    assert.deepEqual([stats.synthesized, stats.correct, stats.wrong, stats.keptCorrect, stats.keptWrong, stats.kept], [40, 40, 0, 40, 0, 40]);
    assert.ok(rows);
    assert.equal(rows.count, 40);
    for (let i = 0; i < d; i++) {
      let xty = 0;
      for (let r = 0; r < 40; r++) xty += rows.y[r]! * rows.x[r * d + i]!;
      near(stats.xty[i]!, xty, 1e-9, `Xᵀy[${i}]`);
      for (let j = 0; j < d; j++) {
        let xtx = 0;
        for (let r = 0; r < 40; r++) xtx += rows.x[r * d + i]! * rows.x[r * d + j]!;
        near(stats.xtx[i * d + j]!, xtx, 1e-9, `XᵀX[${i},${j}]`);
      }
    }

    const none = await readKept((await run(sample, { dim: d, direction: 'e1', n_test: 0, n_train: 0 })).path('train'));
    assert.equal(none.stats.kept, 0);
    assert.equal(none.rows, undefined);
  });

  it('is deterministic: the same seed gives byte-identical artifacts, another seed different ones', async () => {
    const input = { dim: 8, mu_norm: 1.555, direction: 'random' as const, n_test: 500, n_train: 50 };
    const first = await run(sample, input, 42);
    const again = await run(sample, input, 42);
    const other = await run(sample, input, 43);
    for (const name of ['problem', 'test', 'train']) {
      const bytes = await readFile(first.path(name));
      assert.ok(bytes.length > 0);
      assert.ok(bytes.equals(await readFile(again.path(name))), `${name} differs between two runs with the same seed`);
      assert.ok(!bytes.equals(await readFile(other.path(name))), `${name} does not depend on the seed`);
    }
    assert.deepEqual(first.outputs, again.outputs);
  });
});
