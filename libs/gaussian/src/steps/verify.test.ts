import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { normalCdf } from '@veriflow/ml';
import { stepTester } from '@veriflow/steps-core';
import { readKept } from '../artifacts/kept-file.js';
import type { VerifierInput } from '../schema/labelling-schemas.js';
import { sample } from './sample.js';
import { synthesize } from './synthesize.js';
import { verify } from './verify.js';

const steps = stepTester();
after(steps.cleanup);

const { run } = steps;

/** |value − expected| ≤ z standard errors. */
function withinSe(value: unknown, expected: number, se: number, what: string, z = 3): void {
  assert.equal(typeof value, 'number', `${what}: ${String(value)} is not a number`);
  const distance = Math.abs((value as number) - expected) / se;
  assert.ok(distance <= z, `${what}: ${String(value)} is ${distance.toFixed(2)} SE from ${expected} (SE ${se})`);
}

/** Standard error of p̂* = φ̂/(φ̂+ψ̂) by the delta method, φ̂ and ψ̂ binomial over n_c and n_w trials. */
function pStarSe(phi: number, psi: number, correct: number, wrong: number): number {
  const s = phi + psi;
  return Math.sqrt((psi ** 2 * phi * (1 - phi)) / correct + (phi ** 2 * psi * (1 - psi)) / wrong) / s ** 2;
}

const U = 1.555;
const N = 100_000;
const P = 0.3;

describe('gaussian/verify', () => {
  let problem: string;
  let flipData: string;

  before(async () => {
    problem = (await run(sample, { dim: 20, mu_norm: U, direction: 'random', n_test: 0, n_train: 0 }, 11)).path('problem');
    flipData = (await run(synthesize, { problem, n: N, generator: { kind: 'flip', p: P } }, 12)).path('data');
  });

  const verifyWith = (data: string, verifier: VerifierInput, seed = 13, keepRows = false) =>
    run(verify, { data, verifier, method: 'auto', keep_rows: keepRows }, seed);

  it('oracle: φ̂ = 1, ψ̂ = 0, p̂* = 1 exactly; it keeps exactly the correct pairs', async () => {
    const { outputs, path } = await verifyWith(flipData, { kind: 'oracle' });
    assert.equal(outputs.phi, 1);
    assert.equal(outputs.psi, 0);
    assert.equal(outputs.p_star, 1);
    assert.equal(outputs.p_star_predicted, 1);
    assert.equal(outputs.verifier, 'oracle');
    const { stats } = await readKept(path('kept'));
    assert.equal(stats.synthesized, N);
    assert.equal(stats.correct + stats.wrong, N);
    assert.equal(stats.keptWrong, 0);
    assert.equal(stats.keptCorrect, stats.correct);
    assert.equal(outputs.kept_count, stats.correct);
    // p̂ = wrong / all, which for a flip generator is Binomial(n, p)/n.
    assert.equal(outputs.generator_error, stats.wrong / N);
    withinSe(outputs.generator_error, P, Math.sqrt((P * (1 - P)) / N), 'p̂');
  });

  it('rates φ = 0.8, ψ = 0.2: φ̂, ψ̂, p̂* are the kept/correct, kept/wrong ratios and lie within 3 SE of the rates', async () => {
    const { outputs, path, t } = await verifyWith(flipData, { kind: 'rates', phi: 0.8, psi: 0.2 });
    const { stats } = await readKept(path('kept'));
    // The definitions (paper notes §3), from the counts in the kept file.
    assert.equal(outputs.phi, stats.keptCorrect / stats.correct);
    assert.equal(outputs.psi, stats.keptWrong / stats.wrong);
    const [phiHat, psiHat] = [outputs.phi as number, outputs.psi as number];
    assert.equal(outputs.p_star, phiHat / (phiHat + psiHat));
    assert.equal(outputs.kept_count, stats.keptCorrect + stats.keptWrong);
    assert.equal(stats.kept, outputs.kept_count);
    withinSe(outputs.phi, 0.8, Math.sqrt((0.8 * 0.2) / stats.correct), 'φ̂');
    withinSe(outputs.psi, 0.2, Math.sqrt((0.2 * 0.8) / stats.wrong), 'ψ̂');
    withinSe(outputs.p_star, 0.8, pStarSe(0.8, 0.2, stats.correct, stats.wrong), 'p̂*');
    assert.ok(Math.abs(outputs.p_star_predicted - 0.8 / (0.8 + 0.2)) < 1e-15);
    assert.equal(outputs.verifier, 'rates(0.8,0.2)');
    const logged = Object.fromEntries(t.metrics.map((m) => [m.key, m.value]));
    assert.equal(logged['p_star'], outputs.p_star);
    assert.equal(logged['kept'], outputs.kept_count);
  });

  it('p_star_predicted is φ/(φ+ψ) for every x-blind verifier', async () => {
    for (const [phi, psi] of [
      [0.9, 0.3],
      [0.6, 0.4],
      [0.5, 0.5],
      [0.05, 0.7],
    ] as const) {
      const { outputs } = await verifyWith(flipData, { kind: 'rates', phi, psi, name: 'r' });
      assert.ok(Math.abs(outputs.p_star_predicted - phi / (phi + psi)) < 1e-15, `${phi}/${psi}: ${outputs.p_star_predicted}`);
      assert.equal(outputs.verifier, 'r');
    }
  });

  it('random keep 0.3: φ̂ ≈ ψ̂ ≈ 0.3 and p̂* within 3 SE of ½', async () => {
    const { outputs, path } = await verifyWith(flipData, { kind: 'random', keep: 0.3 });
    const { stats } = await readKept(path('kept'));
    withinSe(outputs.phi, 0.3, Math.sqrt((0.3 * 0.7) / stats.correct), 'φ̂');
    withinSe(outputs.psi, 0.3, Math.sqrt((0.3 * 0.7) / stats.wrong), 'ψ̂');
    withinSe(outputs.p_star, 0.5, pStarSe(0.3, 0.3, stats.correct, stats.wrong), 'p̂*');
    withinSe(outputs.kept_count / N, 0.3, Math.sqrt((0.3 * 0.7) / N), 'keep rate');
    assert.equal(outputs.p_star_predicted, 0.5);
  });

  it('linear pruner at θ = 60° with the flip generator: φ = Φ(u cos θ), ψ = 1 − φ and p̂* within 3 SE of Φ(u cos θ)', async () => {
    const theta = Math.PI / 3;
    const phi = normalCdf(U * Math.cos(theta));
    const { outputs, path } = await verifyWith(flipData, { kind: 'linear', angle_deg: 60 });
    const { stats } = await readKept(path('kept'));
    assert.ok(Math.abs(outputs.p_star_predicted - phi) < 1e-12, `predicted ${outputs.p_star_predicted} vs Φ(u cos θ) = ${phi}`);
    withinSe(outputs.phi, phi, Math.sqrt((phi * (1 - phi)) / stats.correct), 'φ̂');
    withinSe(outputs.psi, 1 - phi, Math.sqrt((phi * (1 - phi)) / stats.wrong), 'ψ̂');
    withinSe(outputs.p_star, phi, pStarSe(phi, 1 - phi, stats.correct, stats.wrong), 'p̂*');
    withinSe(outputs.generator_error, P, Math.sqrt((P * (1 - P)) / N), 'p̂');
  });

  it('a linear generator at 60° makes mistakes at the rate Φ(−u cos 60°)', async () => {
    const linearData = (await run(synthesize, { problem, n: N, generator: { kind: 'linear', angle_deg: 60 } }, 14)).path('data');
    const { outputs } = await verifyWith(linearData, { kind: 'oracle' });
    const p = normalCdf(-U * 0.5);
    withinSe(outputs.generator_error, p, Math.sqrt((p * (1 - p)) / N), 'p̂ of the linear generator');
    assert.equal(outputs.p_star, 1);
  });

  it('keep_rows stores the kept rows, and the statistics are theirs', async () => {
    const small = (await run(synthesize, { problem, n: 2000, generator: { kind: 'flip', p: 0.2 } }, 15)).path('data');
    const { outputs, path } = await verifyWith(small, { kind: 'rates', phi: 0.7, psi: 0.4 }, 16, true);
    const { stats, rows } = await readKept(path('kept'));
    assert.ok(rows);
    assert.equal(rows.count, outputs.kept_count);
    const d = 20;
    const xty = new Float64Array(d);
    let maxError = 0;
    for (let r = 0; r < rows.count; r++) {
      assert.ok(rows.y[r] === 1 || rows.y[r] === -1);
      for (let i = 0; i < d; i++) xty[i] = xty[i]! + rows.y[r]! * rows.x[r * d + i]!;
    }
    for (let i = 0; i < d; i++) maxError = Math.max(maxError, Math.abs(xty[i]! - stats.xty[i]!));
    let xtx01 = 0;
    for (let r = 0; r < rows.count; r++) xtx01 += rows.x[r * d]! * rows.x[r * d + 1]!;
    assert.ok(maxError < 1e-8, `Xᵀy' differs from the rows' by ${maxError}`);
    assert.ok(Math.abs(xtx01 - stats.xtx[1]!) < 1e-8);
  });

  it('is deterministic: the same seed gives a byte-identical kept file, another seed a different one', async () => {
    const verifier: VerifierInput = { kind: 'rates', phi: 0.9, psi: 0.3 };
    const first = await verifyWith(flipData, verifier, 21);
    const again = await verifyWith(flipData, verifier, 21);
    const other = await verifyWith(flipData, verifier, 22);
    const bytes = await readFile(first.path('kept'));
    assert.ok(bytes.equals(await readFile(again.path('kept'))), 'same seed, different kept file');
    assert.deepEqual(first.outputs, again.outputs);
    assert.ok(!bytes.equals(await readFile(other.path('kept'))), 'the kept file does not depend on the seed');
    // The projected path (a pruner that looks at x) too.
    const linear: VerifierInput = { kind: 'linear', angle_deg: 45, margin: 0.1 };
    const a = await readFile((await verifyWith(flipData, linear, 23)).path('kept'));
    const b = await readFile((await verifyWith(flipData, linear, 23)).path('kept'));
    assert.ok(a.equals(b), 'linear pruner: same seed, different kept file');
  });

  it('says what is wrong with its inputs', async () => {
    await assert.rejects(verifyWith(problem, { kind: 'oracle' }), /synthesized data: expected a "veriflow.gaussian.synthesized\/1" artifact/);
    await assert.rejects(verifyWith(flipData, { kind: 'random' }), /verifier kind random needs keep/);
  });
});
