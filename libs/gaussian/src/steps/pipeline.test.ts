import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stepTester } from '@veriflow/steps-core';
import type { VerifierInput } from '../schema/labelling-schemas.js';
import { evaluate } from './evaluate.js';
import { sample } from './sample.js';
import { synthesize } from './synthesize.js';
import { train } from './train.js';
import { verify } from './verify.js';

const steps = stepTester();
after(steps.cleanup);

const { run } = steps;

/**
 * The paper's loop on real artifacts, d = 20 and 20,000 synthesized pairs: far from p* the sign of
 * ((1−p)φ − pψ) decides, by many standard errors, whether ridge learns μ or −μ.
 */
describe('sample → synthesize → verify → train → evaluate', () => {
  let problem: string;
  let test: string;
  let bayes: number;
  before(async () => {
    const sampled = await run(sample, { dim: 20, mu_norm: 1.555, direction: 'random', n_test: 2000, n_train: 0 }, 61);
    problem = sampled.path('problem');
    test = sampled.path('test');
    bayes = sampled.outputs.bayes_accuracy;
  });

  async function loop(p: number, verifier: VerifierInput, seed: number) {
    const synth = await run(synthesize, { problem, n: 20_000, generator: { kind: 'flip', p } }, seed);
    const verified = await run(verify, { data: synth.path('data'), verifier, method: 'auto', keep_rows: false }, seed + 1);
    const trained = await run(train, { data: verified.path('kept'), estimator: 'ridge', lambda: 0.001, ridge_scaling: 'kept', tolerance: 1e-8, max_iterations: 100 }, seed + 2);
    assert.equal(trained.outputs.trained_on, verified.outputs.kept_count);
    const carry = { p, p_star: verified.outputs.p_star, p_star_predicted: verified.outputs.p_star_predicted, verifier: verified.outputs.verifier };
    const evaluated = await run(evaluate, { model: trained.path('model'), problem, test, generator_error: synth.outputs.generator_error, carry }, seed + 3);
    return evaluated.outputs as typeof evaluated.outputs & typeof carry;
  }

  it('the oracle beats a generator that is wrong 70% of the time and reaches Bayes accuracy', async () => {
    const result = await loop(0.7, { kind: 'oracle' }, 100);
    assert.ok(result.accuracy > bayes - 0.01, `accuracy ${result.accuracy}`);
    assert.equal(result.beats_generator, true);
    assert.equal(result.collapsed, false);
    assert.equal(result.p_star, 1);
    assert.equal(result.verifier, 'oracle');
    assert.ok(Math.abs((result.test_accuracy as number) - result.accuracy) < 4 * Math.sqrt((0.94 * 0.06) / 2000));
  });

  it('random selection learns μ below p* = ½ and collapses to −μ above it', async () => {
    const below = await loop(0.3, { kind: 'random', keep: 0.5 }, 200);
    assert.ok(below.accuracy > bayes - 0.02, `p = 0.3: ${below.accuracy}`);
    assert.equal(below.collapsed, false);
    const above = await loop(0.7, { kind: 'random', keep: 0.5 }, 300);
    assert.ok(above.accuracy < 1 - bayes + 0.02, `p = 0.7: ${above.accuracy}`);
    assert.equal(above.collapsed, true);
    assert.equal(above.beats_generator, false);
    assert.equal(above.p_star_predicted, 0.5);
  });

  it('a verifier with p* = 0.75 rescues p = 0.65 but not p = 0.85', async () => {
    const rescued = await loop(0.65, { kind: 'rates', phi: 0.9, psi: 0.3 }, 400);
    assert.equal(rescued.collapsed, false);
    assert.equal(rescued.beats_generator, true);
    assert.ok(Math.abs(rescued.p_star_predicted - 0.75) < 1e-12);
    const lost = await loop(0.85, { kind: 'rates', phi: 0.9, psi: 0.3 }, 500);
    assert.equal(lost.collapsed, true);
  });
});
