// The steps with a selection budget (top-k), a noise covariance, and the halfspace variant.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dot, normalCdf } from '@veriflow/ml';
import { stepTester } from '@veriflow/steps-core';
import { readKept } from '../artifacts/kept-file.js';
import { MODEL_FORMAT } from '../artifacts/model-file.js';
import { readProblem } from '../artifacts/problem-file.js';
import { evaluate } from './evaluate.js';
import { sample } from './sample.js';
import { synthesize } from './synthesize.js';
import { theory } from './theory.js';
import { verify } from './verify.js';

const steps = stepTester();
after(steps.cleanup);

const { run } = steps;

let models = 0;
async function modelFile(w: readonly number[]): Promise<string> {
  const t = await steps.context({ with: {} });
  const path = join(t.workdir, `model-${models++}.json`);
  await writeFile(path, JSON.stringify({ format: MODEL_FORMAT, estimator: 'ridge', lambda: 0, w, trained_on: 1 }));
  return path;
}

const near = (actual: number, expected: number, tol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected} ± ${tol}, got ${actual}`);

describe('gaussian/verify with top-k', () => {
  let data: string;
  before(async () => {
    const problem = (await run(sample, { dim: 10, direction: 'random', n_test: 0, n_train: 0 }, 3)).path('problem');
    data = (await run(synthesize, { problem, n: 30_000, generator: { kind: 'flip', p: 0.3 } }, 4)).path('data');
  });

  it('keeps exactly k (or round(fraction·n)) pairs, on every method, and p̂* rises as the budget shrinks', async () => {
    let previous = 0;
    for (const k of [24_000, 12_000, 3_000]) {
      for (const method of ['auto', 'stream'] as const) {
        const { outputs, path } = await run(verify, { data, verifier: { kind: 'top-k', k, angle_deg: 0 }, method, keep_rows: false }, 5);
        assert.equal(outputs.kept_count, k, `${method}, k = ${k}`);
        assert.equal((await readKept(path('kept'))).stats.kept, k);
        assert.ok((outputs.p_star as number) > previous, `k = ${k}: p̂* ${String(outputs.p_star)} should exceed ${previous}`);
        near(outputs.p_star as number, outputs.p_star_predicted, 0.02, `k = ${k}, ${method}: p̂* vs prediction`);
        if (method === 'stream') previous = outputs.p_star as number;
      }
    }
    const byFraction = await run(verify, { data, verifier: { kind: 'top-k', fraction: 0.25, angle_deg: 30 }, method: 'auto', keep_rows: true }, 6);
    assert.equal(byFraction.outputs.kept_count, 7_500);
    assert.equal((await readKept(byFraction.path('kept'))).rows?.count, 7_500);
    assert.equal(byFraction.outputs.verifier, 'top-0.25n(30°)');
  });

  it('scores with a trained model, and says what is wrong with a budget', async () => {
    const model = await modelFile([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const { outputs } = await run(verify, { data, verifier: { kind: 'top-k', k: 100, model }, method: 'auto', keep_rows: false }, 7);
    assert.equal(outputs.kept_count, 100);
    await assert.rejects(run(verify, { data, verifier: { kind: 'top-k', angle_deg: 0 }, method: 'auto', keep_rows: false }), /top-k needs k .* or fraction/);
    await assert.rejects(run(verify, { data, verifier: { kind: 'top-k', k: 40_000, angle_deg: 0 }, method: 'auto', keep_rows: false }), /exceeds the 30000 synthesized pairs/);
  });
});

describe('gaussian/sample with a covariance', () => {
  it('spiked along μ: Bayes Φ(√(μᵀΣ⁻¹μ)); evaluate gives Φ(wᵀμ/√(wᵀΣw)), and the test set agrees', async () => {
    const sampled = await run(sample, { dim: 4, mu_norm: 1.5, direction: 'random', n_test: 20_000, n_train: 0, covariance: { kind: 'spiked', strength: 1.25, direction: 'mu' } }, 8);
    const problem = await readProblem(sampled.path('problem'));
    assert.equal(problem.covariance?.kind, 'spiked');
    // Along μ the variance is 1 + 1.25 = 2.25: μᵀΣ⁻¹μ = ‖μ‖²/2.25.
    near(problem.bayes_accuracy, normalCdf(1.5 / 1.5), 1e-12, 'Bayes');
    near(sampled.outputs.mu_norm, 1.5, 1e-12, '‖μ‖');
    const w = [0.5, -1, 2, 0.3];
    const muW = dot(w, problem.mu);
    const wSigmaW = dot(w, w) + 1.25 * (muW / 1.5) ** 2;
    const expected = normalCdf(muW / Math.sqrt(wSigmaW));
    const { outputs } = await run(evaluate, { model: await modelFile(w), problem: sampled.path('problem'), test: sampled.path('test') });
    near(outputs.accuracy, expected, 1e-12, 'exact accuracy');
    near(outputs.test_accuracy as number, expected, 4 * Math.sqrt((expected * (1 - expected)) / 20_000), 'test accuracy');
  });

  it('diagonal with bayes_accuracy scales μ to reach it; the pipeline runs and the theory uses Σ', async () => {
    const values = [4, 1, 1, 0.25, 1];
    const sampled = await run(sample, { dim: 5, bayes_accuracy: 0.9, direction: 'random', n_test: 0, n_train: 0, covariance: { kind: 'diagonal', values } }, 9);
    const problem = await readProblem(sampled.path('problem'));
    near(problem.bayes_accuracy, 0.9, 1e-9, 'Bayes');
    near(Math.sqrt(problem.mu.reduce((s, m, i) => s + (m * m) / values[i]!, 0)), 1.2815515655446004, 1e-9, '√(μᵀΣ⁻¹μ)');
    const synth = await run(synthesize, { problem: sampled.path('problem'), n: 50_000, generator: { kind: 'linear', angle_deg: 30 } }, 10);
    const verified = await run(verify, { data: synth.path('data'), verifier: { kind: 'linear', angle_deg: 50, side: 'opposite', margin: 0.2 }, method: 'auto', keep_rows: false }, 11);
    near(verified.outputs.generator_error, synth.outputs.generator_error, 0.008, 'p̂ vs Φ(−aᵀμ/√(aᵀΣa))');
    near(verified.outputs.p_star as number, verified.outputs.p_star_predicted, 0.02, 'p̂* vs whitened prediction');
    const predicted = await run(theory, { problem: sampled.path('problem'), generator: { kind: 'flip', p: 0.2 }, verifier: { kind: 'oracle' } });
    near(predicted.outputs.limit_accuracy as number, 0.9, 1e-9, 'limit accuracy = Bayes with Σ');
  });

  it('refuses a diagonal of the wrong length', async () => {
    await assert.rejects(run(sample, { dim: 3, direction: 'e1', n_test: 0, n_train: 0, covariance: { kind: 'diagonal', values: [1, 2] } }), /2 values but dim = 3/);
  });
});

describe('gaussian/sample with the halfspace variant', () => {
  it('writes a unit w*, Bayes accuracy 1, test labels sign(w*ᵀx); evaluate gives 1 − θ/π', async () => {
    const sampled = await run(sample, { dim: 3, direction: 'e1', n_test: 20_000, n_train: 0, distribution: 'halfspace' }, 12);
    const problem = await readProblem(sampled.path('problem'));
    assert.equal(problem.distribution, 'halfspace');
    assert.deepEqual(problem.mu, [1, 0, 0]);
    assert.equal(problem.bayes_accuracy, 1);
    const perfect = await run(evaluate, { model: await modelFile([2, 0, 0]), problem: sampled.path('problem'), test: sampled.path('test') });
    assert.equal(perfect.outputs.accuracy, 1);
    assert.equal(perfect.outputs.test_accuracy, 1);
    const tilted = await run(evaluate, { model: await modelFile([1, 1, 0]), problem: sampled.path('problem'), test: sampled.path('test') });
    near(tilted.outputs.accuracy, 0.75, 1e-12, '45°: 1 − 1/4');
    near(tilted.outputs.test_accuracy as number, 0.75, 4 * Math.sqrt(0.1875 / 20_000), 'test accuracy at 45°');
    await assert.rejects(run(sample, { dim: 3, direction: 'e1', n_test: 0, n_train: 0, distribution: 'halfspace', mu_norm: 2 }), /halfspace/);
  });

  it('synthesize → verify: generator error θ/π, all verifiers, method auto (projected) and stream; exact is refused', async () => {
    const problem = (await run(sample, { dim: 8, direction: 'random', n_test: 0, n_train: 0, distribution: 'halfspace' }, 13)).path('problem');
    const synth = await run(synthesize, { problem, n: 40_000, generator: { kind: 'linear', angle_deg: 36 } }, 14);
    near(synth.outputs.generator_error, 0.2, 1e-12, 'θ/π');
    for (const verifier of [{ kind: 'oracle' }, { kind: 'random', keep: 0.5 }, { kind: 'linear', angle_deg: 20, side: 'opposite' }, { kind: 'top-k', fraction: 0.3, angle_deg: 20 }] as const) {
      for (const method of ['auto', 'stream'] as const) {
        const { outputs } = await run(verify, { data: synth.path('data'), verifier, method, keep_rows: false }, 15);
        near(outputs.generator_error, 0.2, 0.01, `${verifier.kind}, ${method}: p̂`);
        near(outputs.p_star as number, outputs.p_star_predicted, 0.02, `${verifier.kind}, ${method}: p̂* vs prediction`);
        if (verifier.kind === 'top-k') assert.equal(outputs.kept_count, 12_000);
      }
    }
    await assert.rejects(run(verify, { data: synth.path('data'), verifier: { kind: 'oracle' }, method: 'exact', keep_rows: false }), /halfspace/);
    const flip = await run(synthesize, { problem, n: 1000, generator: { kind: 'flip', p: 0.2 } }, 16);
    await assert.rejects(run(verify, { data: flip.path('data'), verifier: { kind: 'random', keep: 0.5 }, method: 'exact', keep_rows: false }), /halfspace/);
  });
});
