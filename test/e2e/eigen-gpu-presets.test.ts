import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, workspace } from '../support/cli.js';

const root = resolve(import.meta.dirname, '..', '..', '..');
const WORKFLOW = resolve(root, 'workflows/paper/eigen-verification.yaml');
const MODEL_STEPS = /^(generator|label|generator-accuracy|student|student-predictions)(\[|$)/;
const noGpus = { VERIFLOW_FAKE_GPUS: '0', CUDA_VISIBLE_DEVICES: undefined };

/** Rows of `veriflow plan` as instance → resources column. */
function resourcesByInstance(stdout: string): Map<string, string> {
  const rows = stdout.split('\n').map((line) => /^(\S+)\s+(?:run|cached|skip)\s+(cpus=\S+ gpu=\d+)/.exec(line)).filter((match) => match !== null);
  return new Map(rows.map((match) => [match[1]!, match[2]!]));
}

describe('eigen GPU presets ask for GPUs through params', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({})));
  after(() => dispose());

  it('gpu-short and gpu put one GPU on every model step and none elsewhere; the CPU defaults ask for none', async () => {
    for (const preset of ['gpu-short', 'gpu']) {
      const plan = await runCli(['plan', WORKFLOW, '--preset', preset], dir, noGpus);
      assert.equal(plan.code, 0, plan.stderr);
      const resources = resourcesByInstance(plan.stdout);
      assert.ok(resources.size > 40, `${preset}: ${plan.stdout.slice(0, 400)}`);
      for (const [name, asked] of resources) assert.equal(asked, MODEL_STEPS.test(name) ? 'cpus=1 gpu=1' : 'cpus=1 gpu=0', `${preset}: ${name}`);
      assert.match(plan.stdout, /veriflow run would refuse \d+ instance\(s\) on this machine, running nothing:\n {2}generator needs 1 GPU\(s\) but 0 are available/);
    }
    const cpu = await runCli(['plan', WORKFLOW], dir, noGpus);
    assert.doesNotMatch(cpu.stdout, /gpu=1|would refuse/);
  });

  it('run refuses gpu-short on a machine without GPUs before anything runs, naming what is missing', async () => {
    const run = await runCli(['run', WORKFLOW, '--preset', 'gpu-short'], dir, noGpus);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^veriflow: 27 instance\(s\) need more than this machine offers, so nothing was run:\n {2}generator needs 1 GPU\(s\) but 0 are available/);
    assert.match(run.stderr, /\nGPU discovery: 0 GPU\(s\) found by the fake inventory VERIFLOW_FAKE_GPUS/);
    assert.equal(existsSync(join(dir, '.veriflow', 'workflows', 'eigen-verification', 'results.json')), false);
  });
});
