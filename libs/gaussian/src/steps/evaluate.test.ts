import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dot, normalCdf } from '@veriflow/ml';
import { stepTester } from '@veriflow/steps-core';
import { MODEL_FORMAT } from '../artifacts/model-file.js';
import { readProblem } from '../artifacts/problem-file.js';
import type { ProblemFile } from '../artifacts/problem-file.js';
import { evaluate } from './evaluate.js';
import { sample } from './sample.js';

const steps = stepTester();
after(steps.cleanup);

const { run } = steps;

let modelCount = 0;
/** A model file with the given weights, as gaussian/train writes it. */
async function modelFile(w: readonly number[]): Promise<string> {
  const t = await steps.context({ with: {} });
  const path = join(t.workdir, `model-${modelCount++}.json`);
  await writeFile(path, JSON.stringify({ format: MODEL_FORMAT, estimator: 'ridge', lambda: 0, w, trained_on: 1 }));
  return path;
}

const N_TEST = 20_000;

describe('gaussian/evaluate', () => {
  let problemPath: string;
  let testPath: string;
  let problem: ProblemFile;

  before(async () => {
    const sampled = await run(sample, { dim: 4, mu_norm: 1.555, direction: 'random', n_test: N_TEST, n_train: 0 }, 41);
    problemPath = sampled.path('problem');
    testPath = sampled.path('test');
    problem = await readProblem(problemPath);
  });

  it('accuracy is exactly Φ(wᵀμ/‖w‖), and the test-set accuracy lies within 3 SE of it', async () => {
    const w = [0.5, -1, 2, 0.3];
    const { outputs } = await run(evaluate, { model: await modelFile(w), problem: problemPath, test: testPath });
    const exact = normalCdf(dot(w, problem.mu) / Math.sqrt(dot(w, w)));
    assert.ok(Math.abs(outputs.accuracy - exact) < 1e-12, `${outputs.accuracy} vs ${exact}`);
    assert.equal(typeof outputs.test_accuracy, 'number');
    const se = Math.sqrt((exact * (1 - exact)) / N_TEST);
    assert.ok(Math.abs((outputs.test_accuracy as number) - exact) < 3 * se, `test accuracy ${String(outputs.test_accuracy)} vs ${exact} (SE ${se})`);
    assert.equal(outputs.bayes_accuracy, problem.bayes_accuracy);
    assert.ok(Math.abs(outputs.relative_error - (problem.bayes_accuracy - exact) / problem.bayes_accuracy) < 1e-15);
    assert.equal(outputs.generator_accuracy, null);
    assert.equal(outputs.beats_generator, null);
  });

  it('w along μ reaches Bayes accuracy, on the test set too; without a test set test_accuracy is null', async () => {
    const { outputs } = await run(evaluate, { model: await modelFile(problem.mu.map((m) => 3 * m)), problem: problemPath, test: testPath });
    assert.ok(Math.abs(outputs.accuracy - problem.bayes_accuracy) < 1e-12);
    assert.ok(Math.abs((outputs.test_accuracy as number) - problem.bayes_accuracy) < 3 * Math.sqrt((0.94 * 0.06) / N_TEST));
    assert.ok(Math.abs(outputs.relative_error) < 1e-12);
    const untested = await run(evaluate, { model: await modelFile(problem.mu), problem: problemPath });
    assert.equal(untested.outputs.test_accuracy, null);
  });

  it('collapsed means worse than chance, beats_generator means better than 1 − generator_error: the two are independent', async () => {
    const along = await modelFile(problem.mu);
    const against = await modelFile(problem.mu.map((m) => -m));
    const good = (await run(evaluate, { model: along, problem: problemPath, generator_error: 0.3 })).outputs;
    assert.equal(good.generator_accuracy, 0.7);
    assert.equal(good.beats_generator, true);
    assert.equal(good.collapsed, false);

    const flipped = (await run(evaluate, { model: against, problem: problemPath, generator_error: 0.3 })).outputs;
    assert.ok(Math.abs(flipped.accuracy - (1 - problem.bayes_accuracy)) < 1e-12);
    assert.equal(flipped.collapsed, true);
    assert.equal(flipped.beats_generator, false);

    // Better than chance yet worse than a 98%-accurate generator.
    const weak = (await run(evaluate, { model: along, problem: problemPath, generator_error: 0.02 })).outputs;
    assert.equal(weak.collapsed, false);
    assert.equal(weak.beats_generator, false);
    // Worse than chance yet better than a generator that is wrong 95% of the time.
    const both = (await run(evaluate, { model: against, problem: problemPath, generator_error: 0.95 })).outputs;
    assert.equal(both.collapsed, true);
    assert.equal(both.beats_generator, true);
  });

  it('w = 0 predicts +1 everywhere: accuracy ½, and the balanced test set agrees within 3 SE', async () => {
    const { outputs } = await run(evaluate, { model: await modelFile([0, 0, 0, 0]), problem: problemPath, test: testPath });
    assert.equal(outputs.accuracy, 0.5);
    assert.equal(outputs.collapsed, false);
    assert.ok(Math.abs((outputs.test_accuracy as number) - 0.5) < 3 * Math.sqrt(0.25 / N_TEST));
  });

  it('copies carry into its outputs, and refuses a carry key that would overwrite one of its own', async () => {
    const model = await modelFile(problem.mu);
    const { outputs } = await run(evaluate, { model, problem: problemPath, carry: { p: 0.3, verifier: 'oracle', p_star: 1 } });
    assert.equal(outputs['p' as keyof typeof outputs], 0.3);
    assert.equal(outputs['verifier' as keyof typeof outputs], 'oracle');
    assert.equal(outputs['p_star' as keyof typeof outputs], 1);
    assert.ok(Math.abs(outputs.accuracy - problem.bayes_accuracy) < 1e-12);
    await assert.rejects(run(evaluate, { model, problem: problemPath, carry: { p: 0.3, accuracy: 1 } }), /carry\.accuracy would overwrite the step's own output "accuracy"/);
  });

  it('checks that the model, the problem and the test set have the same dimension', async () => {
    await assert.rejects(run(evaluate, { model: await modelFile([1, 2, 3]), problem: problemPath }), /3 weights but the problem has d = 4/);
    const other = await run(sample, { dim: 3, direction: 'e1', n_test: 10, n_train: 0 });
    await assert.rejects(run(evaluate, { model: await modelFile([1, 2, 3]), problem: other.path('problem'), test: testPath }), /the test set has 4 features but the model has 3 weights/);
  });
});
