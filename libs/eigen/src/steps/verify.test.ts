import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { stepTester } from '@veriflow/steps-core';
import { encodeCandidates } from '../artifacts/candidates-file.js';
import { readMatrices } from '../artifacts/matrices-file.js';
import { readSelection } from '../artifacts/selection-file.js';
import { selectedTrainingPairs } from '../artifacts/training-pairs.js';
import type { VerifierInput } from '../schema/verifier-schema.js';
import { syntheticCandidates } from '../testing/synthetic-candidates.js';
import { sample } from './sample.js';
import { verify } from './verify.js';

const steps = stepTester();
after(steps.cleanup);

const { run } = steps;

const N = 2000;
const P = 0.3;

describe('eigen/verify, end to end on synthetic candidates (error rate 0.3, beam 4)', () => {
  let data: string;
  let candidates: string;

  before(async () => {
    const sampled = await run(sample, { n: N, dim: 5, entry_range: 10 }, 21);
    data = sampled.path('data');
    const set = await readMatrices(data);
    candidates = join(sampled.t.root, 'candidates.jsonl');
    await writeFile(candidates, encodeCandidates(syntheticCandidates(set, createRng(22), { beam: 4, errorRate: P, malformedRate: 0.05 })));
  });

  const verifyWith = (verifier: VerifierInput, mode: 'best-of-beam' | 'prune' = 'best-of-beam', malformed: 'exclude' | 'count-wrong' = 'exclude') =>
    run(verify, { candidates, data, verifier, mode, tolerance: 0.01, malformed }, 23);

  it('calibration: rates from a labelled slice, the selection over every input; a slice larger than the inputs is refused', async () => {
    const full = await verifyWith({ kind: 'noisy-oracle', flip: 0.2 });
    const sliced = await run(verify, { candidates, data, verifier: { kind: 'noisy-oracle', flip: 0.2 }, mode: 'best-of-beam', tolerance: 0.01, malformed: 'exclude', calibration: 400 }, 23);
    assert.equal(sliced.outputs.kept_count, full.outputs.kept_count, 'the same draws choose the same labels');
    assert.notEqual(sliced.outputs.p_star, full.outputs.p_star);
    assert.ok(Math.abs((sliced.outputs.p_star as number) - 0.8) < 0.1, `p̂* on 400 inputs = ${String(sliced.outputs.p_star)}`);
    assert.ok(sliced.t.logs.some((l) => /of the first 400 inputs \(calibration slice\)/.test(l.message)));
    await assert.rejects(run(verify, { candidates, data, verifier: { kind: 'oracle' }, mode: 'best-of-beam', tolerance: 0.01, malformed: 'exclude', calibration: N + 1 }, 23), /calibration: 2001 inputs asked for, but the candidates cover 2000/);
  });

  it('oracle, best-of-beam: p̂* = 1, logs the metrics and writes a selection to train on', async () => {
    const { outputs, t, path } = await verifyWith({ kind: 'oracle' });
    assert.equal(outputs.p_star, 1);
    assert.equal(outputs.psi, 0);
    assert.equal(outputs.verifier, 'oracle(1%)');
    assert.ok(Math.abs((outputs.generator_error as number) - P / 0.95) < 0.02, `p̂ = ${String(outputs.generator_error)}`);
    assert.ok(outputs.malformed > 0);
    const keys = t.metrics.map((m) => m.key).sort();
    assert.deepEqual(keys, ['generator_error', 'kept', 'p_star', 'phi', 'psi', 'top1_error']);
    assert.ok(t.metrics.every((m) => Number.isFinite(m.value)));

    const selection = await readSelection(path('selection'));
    assert.equal(selection.header.count, N);
    assert.equal(selection.header.kept, outputs.kept_count);
    assert.equal(selection.header.mode, 'best-of-beam');
    assert.equal(selection.header.measured.p_star, 1);
    assert.ok(selection.rows.every((row) => !row.kept || row.correct));
    const pairs = selectedTrainingPairs(selection, await readMatrices(data));
    assert.equal(pairs.length, outputs.kept_count);
    assert.ok(pairs.every((p) => p.input.length === 77 && p.target.length === 17));
  });

  it('noisy oracle, prune: p̂* ≈ 1 − flip', async () => {
    const { outputs } = await verifyWith({ kind: 'noisy-oracle', flip: 0.2 }, 'prune');
    assert.ok(Math.abs((outputs.p_star as number) - 0.8) < 0.05, `p̂* = ${String(outputs.p_star)}`);
    assert.equal(outputs.verifier, 'noisy-oracle(flip=0.2)');
  });

  it('random: p̂* ≈ 1/2; consistency: p̂* = 1 on these (shifted) errors', async () => {
    const random = await verifyWith({ kind: 'random', keep: 0.5, name: 'coin' }, 'prune');
    assert.ok(Math.abs((random.outputs.p_star as number) - 0.5) < 0.05, `random p̂* = ${String(random.outputs.p_star)}`);
    assert.equal(random.outputs.verifier, 'coin');
    const consistency = await verifyWith({ kind: 'consistency' });
    assert.equal(consistency.outputs.p_star, 1);
  });

  it('best-of-beam keeps more inputs than prune with the same verifier', async () => {
    const beam = await verifyWith({ kind: 'oracle' }, 'best-of-beam');
    const prune = await verifyWith({ kind: 'oracle' }, 'prune');
    assert.ok(beam.outputs.kept_count > prune.outputs.kept_count);
    assert.equal(beam.outputs.top1_error, prune.outputs.top1_error);
    // Prune with an oracle keeps exactly the inputs whose top-1 is right.
    assert.ok(Math.abs(prune.outputs.kept_count / N - (1 - (prune.outputs.top1_error as number))) < 1e-12);
  });

  it('count-wrong counts malformed candidates in p̂, not in what is kept', async () => {
    const excluded = await verifyWith({ kind: 'oracle' }, 'prune', 'exclude');
    const counted = await verifyWith({ kind: 'oracle' }, 'prune', 'count-wrong');
    assert.equal(counted.outputs.kept_count, excluded.outputs.kept_count);
    assert.ok((counted.outputs.generator_error as number) > (excluded.outputs.generator_error as number));
  });

  it('explains a mis-wired or misconfigured instance', async () => {
    await assert.rejects(verifyWith({ kind: 'oracle', flip: 0.2 }), /"flip" does not apply to kind oracle \(it is a field of noisy-oracle\)/);
    await assert.rejects(verifyWith({ kind: 'noisy-oracle' }), /noisy-oracle needs "flip"/);
    await assert.rejects(run(verify, { candidates: data, data, verifier: { kind: 'oracle' }, mode: 'prune', tolerance: 0.01, malformed: 'exclude' }), /candidates: .*not a JSON object|candidates: expected/);
    await assert.rejects(run(verify, { candidates, data: candidates, verifier: { kind: 'oracle' }, mode: 'prune', tolerance: 0.01, malformed: 'exclude' }), /data: .*VFT1/);
  });
});
