import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RunStore } from '@veriflow/tracking';
import { readResults, runCli, workspace } from '../support/cli.js';

const root = resolve(import.meta.dirname, '..', '..', '..');

// The smoke check of the eigenvalue pipeline: a tiny generator transformer trains on real pairs,
// labels fresh matrices with beam search, and every verifier measures its rates on the candidates.
describe('eigenvalue workflow smoke run', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({})));
  after(() => dispose());

  it('trains the generator (loss goes down), generates candidates and runs every verifier', async () => {
    const run = await runCli(
      [
        'run',
        resolve(root, 'workflows/paper/eigen-verification.yaml'),
        '--only',
        'verify,generator-evaluate',
        '--set',
        'dim=2',
        '--set',
        'real_n=400',
        '--set',
        'synth_n=60',
        '--set',
        'test_n=30',
        '--set',
        'generator_steps=120',
        '--set',
        'model_dim=32',
      ],
      dir,
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const results = await readResults(dir, 'eigen-verification');
    const verify = results.instances.filter((instance) => instance.name.startsWith('verify['));
    assert.equal(verify.length, 6);
    for (const instance of verify) {
      assert.equal(instance.status, 'succeeded');
      assert.equal(typeof instance.values.kept_count, 'number', `${instance.name} reports what it kept`);
      assert.equal(typeof instance.values.malformed, 'number', `${instance.name} counts malformed candidates`);
      // A generator this small mostly writes malformed sequences; the error rate is measured on the rest (null when none).
      const error = instance.values.generator_error;
      assert.ok(error === null || (typeof error === 'number' && error >= 0 && error <= 1), `${instance.name}: generator_error ${String(error)}`);
    }
    const label = results.instances.find((instance) => instance.name === 'label')!;
    assert.equal(label.values.count, 60);

    const store = new RunStore(dir);
    const { instances } = await store.readRun((await store.listRuns())[0]!.id);
    const loss = instances.find((instance) => instance.name === 'generator')!.metrics.filter((point) => point.key === 'loss');
    assert.ok(loss.length >= 5, 'the loss curve is logged with steps');
    const first = loss[0]!.value;
    const last = loss[loss.length - 1]!.value;
    assert.ok(last < 0.8 * first, `training reduces the loss (${first} → ${last})`);
  });
});
