// The eigenvalue workflow with `--set device=gpu`, every model step on the WebGPU engine, at tiny sizes. It
// runs wherever Dawn finds an adapter: a GPU, or on a CPU machine Mesa 25's lavapipe (README, "GPUs") taken
// through VERIFLOW_WEBGPU_ALLOW_SOFTWARE=1; elsewhere it is skipped with what Dawn answered.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { probeAdapter } from '@veriflow/ml/engine';
import { readResults, runCli, workspace } from '../support/cli.js';

const WORKFLOW = resolve(import.meta.dirname, '..', '..', '..', 'workflows', 'paper', 'eigen-verification.yaml');
const MODEL_STEPS = ['generator', 'label', 'generator-accuracy', 'student', 'student-predictions'];
const TINY = ['device=gpu', 'generator_steps=20', 'student_steps=5', 'real_n=64', 'synth_n=32', 'sizes=[16, 32]', 'test_n=16', 'model_dim=16'];

const { fact } = await probeAdapter();
const skip =
  fact.kind === 'package-missing' || fact.kind === 'none'
    ? `Dawn found no WebGPU adapter here (${fact.kind === 'none' ? 'no Vulkan driver it accepts' : fact.reason}); see README "GPUs" for running it on lavapipe`
    : false;

describe('veriflow run --set device=gpu: every model step on the WebGPU engine', { skip }, () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({})));
  after(() => dispose());

  it('runs the eigenvalue workflow end to end on webgpu, the engine recorded on every model instance', async () => {
    // One fake GPU: the model steps ask for `gpu: 1` under device=gpu, and a CPU machine has no nvidia-smi.
    const env = { VERIFLOW_WEBGPU_ALLOW_SOFTWARE: '1', VERIFLOW_FAKE_GPUS: '1' };
    const result = await runCli(['run', WORKFLOW, '--workspace', dir, ...TINY.flatMap((s) => ['--set', s])], dir, env);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const { instances } = await readResults(dir, 'eigen-verification');
    const model = instances.filter((i) => MODEL_STEPS.includes(i.name.replace(/\[.*$/, '')));
    assert.ok(model.length >= 5, `model instances: ${model.map((i) => i.name).join(', ')}`);
    for (const name of ['generator', 'label', 'generator-accuracy']) {
      assert.equal(model.find((i) => i.name === name)?.status, 'succeeded', `${name} succeeded`);
    }
    // A generator this small writes malformed labels only (on wasm too), so the students find no training pairs;
    // the eigen/train and eigen/generate kinds they run are the generator's and label's, proven above.
    for (const student of model.filter((i) => i.name.startsWith('student['))) {
      if (student.status !== 'succeeded') assert.match(student.error ?? student.reason, /no training pairs/, `${student.name}: ${student.status}`);
    }
    for (const instance of model.filter((i) => i.status === 'succeeded')) assert.equal(instance.values['engine'], 'webgpu', `${instance.name} engine`);
    const generator = model.find((i) => i.name === 'generator')!;
    assert.ok(Number.isFinite(generator.values['final_loss']), `generator final_loss ${String(generator.values['final_loss'])}`);
  });
});
