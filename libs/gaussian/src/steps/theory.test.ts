import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { normalCdf } from '@veriflow/ml';
import { stepTester } from '@veriflow/steps-core';
import { linearGeneratorLinearPrunerRates } from '../math/index.js';
import type { GeneratorInput, VerifierInput } from '../schema/labelling-schemas.js';
import { sample } from './sample.js';
import { theory } from './theory.js';

const steps = stepTester();
after(steps.cleanup);

const { run } = steps;

const U = 1.555;
const BAYES = normalCdf(U);
const cos = (degrees: number): number => Math.cos((degrees * Math.PI) / 180);
const near = (actual: unknown, expected: number, what: string, tol = 1e-12): void =>
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= tol, `${what}: expected ${expected}, got ${String(actual)}`);

describe('gaussian/theory', () => {
  let problem: string;
  before(async () => (problem = (await run(sample, { dim: 10, mu_norm: U, direction: 'random', n_test: 0, n_train: 0 }, 51)).path('problem')));
  const predict = async (generator: GeneratorInput, verifier: VerifierInput) => (await run(theory, { problem, generator, verifier })).outputs;

  it('rates: p* = φ/(φ+ψ); below it the limit is Bayes accuracy and beats the generator, above it 1 − Bayes', async () => {
    const below = await predict({ kind: 'flip', p: 0.5 }, { kind: 'rates', phi: 0.9, psi: 0.3 });
    assert.deepEqual({ ...below, limit_accuracy: 0, p_star: 0 }, { phi: 0.9, psi: 0.3, p_star: 0, generator_error: 0.5, limit_accuracy: 0, beats_generator: true, verifier: 'rates(0.9,0.3)' });
    near(below.p_star, 0.75, 'p*');
    near(below.limit_accuracy, BAYES, 'limit below p*');

    const above = await predict({ kind: 'flip', p: 0.8 }, { kind: 'rates', phi: 0.9, psi: 0.3 });
    near(above.limit_accuracy, 1 - BAYES, 'limit above p*');
    assert.equal(above.beats_generator, false);
  });

  it('oracle: p* = 1, so even a generator wrong 90% of the time is beaten', async () => {
    const oracle = await predict({ kind: 'flip', p: 0.9 }, { kind: 'oracle' });
    assert.equal(oracle.p_star, 1);
    assert.equal(oracle.phi, 1);
    assert.equal(oracle.psi, 0);
    near(oracle.limit_accuracy, BAYES, 'limit');
    assert.equal(oracle.beats_generator, true);
  });

  it('random: p* = ½ at any keep rate; exactly at p = p* the limit is chance', async () => {
    const random = await predict({ kind: 'flip', p: 0.5 }, { kind: 'random', keep: 0.2 });
    assert.equal(random.p_star, 0.5);
    assert.equal(random.limit_accuracy, 0.5);
    assert.equal(random.beats_generator, false);
  });

  it('linear pruner at θ with a flip generator: φ = Φ(u cos θ), ψ = 1 − φ, p* = φ (the pruner\'s own accuracy)', async () => {
    for (const angle of [0, 45, 60, 80]) {
      const rates = await predict({ kind: 'flip', p: 0.3 }, { kind: 'linear', angle_deg: angle });
      near(rates.phi, normalCdf(U * cos(angle)), `φ at ${angle}°`);
      near(rates.psi, 1 - normalCdf(U * cos(angle)), `ψ at ${angle}°`);
      near(rates.p_star, normalCdf(U * cos(angle)), `p* at ${angle}°`);
      assert.equal(rates.generator_error, 0.3);
      assert.equal(rates.verifier, `linear(${angle}°)`);
      // A pruner that looks at x biases the kept set: the theorem's limit does not apply, so none is claimed.
      assert.equal(rates.limit_accuracy, null);
      assert.equal(rates.beats_generator, null);
    }
    // With a margin both rates shrink: φ = Φ(h − γ), ψ = Φ(−h − γ).
    const margin = await predict({ kind: 'flip', p: 0.3 }, { kind: 'linear', angle_deg: 60, margin: 0.5 });
    near(margin.phi, normalCdf(U * 0.5 - 0.5), 'φ with margin');
    near(margin.psi, normalCdf(-U * 0.5 - 0.5), 'ψ with margin');
  });

  it('a pruner identical to a linear generator keeps everything: φ = ψ = 1 and p* = ½', async () => {
    const same = await predict({ kind: 'linear', angle_deg: 30 }, { kind: 'linear', angle_deg: 30, side: 'same' });
    near(same.generator_error, normalCdf(-U * cos(30)), 'p');
    near(same.phi, 1, 'φ', 1e-9);
    near(same.psi, 1, 'ψ', 1e-9);
    near(same.p_star, 0.5, 'p*', 1e-9);
    assert.equal(same.limit_accuracy, null);
  });

  it('a pruner on the other side of μ from a linear generator uses ρ = cos(θ_gen + θ_prune)', async () => {
    const opposite = await predict({ kind: 'linear', angle_deg: 30 }, { kind: 'linear', angle_deg: 30, side: 'opposite' });
    const expected = linearGeneratorLinearPrunerRates(U, cos(30), cos(30), cos(60));
    near(opposite.phi, expected.phi, 'φ', 1e-9);
    near(opposite.psi, expected.psi, 'ψ', 1e-9);
    near(opposite.p_star, expected.pStar, 'p*', 1e-9);
    assert.ok(opposite.p_star > 0.5 && opposite.psi < 1, `an independent-ish pruner helps: p* ${opposite.p_star}`);
  });

  it('refuses a verifier that keeps nothing, which has no breakdown point', async () => {
    await assert.rejects(predict({ kind: 'flip', p: 0.3 }, { kind: 'random', keep: 0 }), /random\(0\) keeps nothing, so it has no breakdown point/);
  });
});
