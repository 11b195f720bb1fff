import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stepTester } from '@veriflow/steps-core';
import { readCandidates } from '../artifacts/candidates-file.js';
import { readCheckpoint } from '@veriflow/ml/seq2seq';
import { EIGEN_MODEL } from '../model/model-kind.js';
import { evaluate } from './evaluate.js';
import { generate } from './generate.js';
import { sample } from './sample.js';
import { train } from './train.js';

const steps = stepTester();
after(steps.cleanup);

const { run } = steps;

const small = { dim: 16, heads: 2, encoder_layers: 1, decoder_layers: 1, norm: 'post' as const, batch_size: 16, lr: 0.001, warmup: 5, min_lr_fraction: 0.05, clip: 5, device: 'cpu' as const, log_every: 5, validation_size: 8, eval_every: 5, checkpoint_every: 5 };

describe('eigen/train → eigen/generate → eigen/evaluate (3×3, tiny model)', () => {
  let data: string;
  let test: string;

  before(async () => {
    data = (await run(sample, { n: 64, dim: 3, entry_range: 10 }, 1)).path('data');
    test = (await run(sample, { n: 6, dim: 3, entry_range: 10 }, 2)).path('data');
  });

  it('limit trains on the first matrices only, and says so when limit exceeds the data', async () => {
    const limited = await run(train, { ...small, data, steps: 2, seed: 3, limit: 40 });
    assert.equal(limited.outputs.pairs, 40);
    await assert.rejects(run(train, { ...small, data, steps: 2, seed: 3, limit: 65 }), /limit: 65 matrices asked for, but data holds 64/);
  });

  it('trains, logs loss and validation accuracy and the engine, writes a resumable checkpoint; generate writes scored candidates', async () => {
    const trained = await run(train, { ...small, data, validation: test, steps: 10, seed: 3 });
    assert.equal(trained.outputs.steps, 10);
    assert.equal(trained.outputs.pairs, 64);
    assert.match(String(trained.outputs.engine), /^wasm(\+openblas)?(\+fused)?$/);
    assert.ok(trained.outputs.samples_per_second > 0);
    assert.equal(typeof trained.outputs.val_accuracy, 'number');
    const losses = trained.t.metrics.filter((m) => m.key === 'loss');
    assert.deepEqual(losses.map((m) => m.step), [5, 10]);
    for (const key of ['val_accuracy', 'val_accuracy_2pct', 'val_accuracy_5pct']) assert.deepEqual(trained.t.metrics.filter((m) => m.key === key).map((m) => m.step), [5, 10], key);
    assert.ok(trained.t.logs.some((l) => /^engine: /.test(l.message)));
    const checkpoint = await readCheckpoint(trained.path('model'), EIGEN_MODEL);
    assert.equal(checkpoint.meta.step, 10);
    assert.ok(checkpoint.optimizer);
    checkpoint.model.dispose();

    // A periodic checkpoint (step 5) lands in the instance's checkpoint directory, where a later attempt
    // of the same instance resumes from it on its own.
    const ownCheckpoint = join(trained.t.ctx.checkpointDir, 'model.vft');
    assert.equal((await readCheckpoint(ownCheckpoint, EIGEN_MODEL)).meta.step, 5);
    const retry = await steps.context({ with: { ...small, data, steps: 10, seed: 3 }, seed: 1 });
    await copyFile(ownCheckpoint, join(retry.ctx.checkpointDir, 'model.vft'));
    await train.run(retry.ctx);
    assert.ok(retry.logs.some((l) => /resuming from step 5 of this instance's last checkpoint/.test(l.message)));
    assert.deepEqual(retry.metrics.filter((m) => m.key === 'loss').map((m) => m.step), [10]);

    // Resuming a 10-step checkpoint to 12 steps runs 2 more.
    const resumed = await run(train, { ...small, data, steps: 12, seed: 3, resume: trained.path('model') });
    assert.deepEqual(resumed.t.metrics.filter((m) => m.key === 'loss').map((m) => m.step), [12]);

    const generated = await run(generate, { model: trained.path('model'), data: test, beam: 3, batch_size: 64, device: 'cpu' });
    assert.equal(generated.outputs.count, 6);
    const candidates = await readCandidates(generated.path('candidates'));
    assert.equal(candidates.header.beam, 3);
    assert.equal(candidates.header.dim, 3);
    assert.equal(candidates.inputs.length, 6);
    for (const input of candidates.inputs) {
      assert.equal(input.candidates.length, 3);
      const scores = input.candidates.map((c) => c.score);
      assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
    }
    const evaluated = await run(evaluate, { candidates: generated.path('candidates'), data: test });
    assert.equal(evaluated.outputs.count, 6);
    assert.equal(evaluated.outputs.missing, 0);
  });

  it('refuses a model trained for another dimension', async () => {
    const five = (await run(sample, { n: 2, dim: 5, entry_range: 10 }, 4)).path('data');
    const trained = await run(train, { ...small, data, steps: 1, seed: 3 });
    await assert.rejects(run(generate, { model: trained.path('model'), data: five, beam: 2, batch_size: 8, device: 'cpu' }), /trained on 3×3/);
  });
});
