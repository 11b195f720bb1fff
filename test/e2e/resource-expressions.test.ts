import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readResults, runCli, statusesOf, workspace } from '../support/cli.js';

/** A step kind that declares its own resources (defineStep's `resources`) and reports what it was given. */
const PLUGIN = `export const steps = [{
  name: 'team/fit', version: '1', description: 'reports its resources', with: { type: 'object' },
  resources: { cpus: 2, gpu: 1, memoryMb: 512 },
  outputs: { given: { kind: 'json' } },
  async run(ctx) { return { given: { resources: ctx.resources, gpus: ctx.gpus.map((gpu) => gpu.index) } }; },
}];
`;

const WORKFLOW = `
name: sized
plugins: [./steps.mjs]
params: { gpus_per_job: 1 }
steps:
  train:
    uses: command
    matrix: { device: [cpu, gpu] }
    resources:
      gpu: \${{ matrix.device == 'gpu' ? params.gpus_per_job : 0 }}
      cpus: \${{ matrix.device == 'gpu' ? 1 : 2 }}
    with:
      run: [node, -e, "require('node:fs').writeFileSync(process.argv[1], process.env.CUDA_VISIBLE_DEVICES)", "\${{ workflow.dir }}/cuda-\${{ matrix.device }}"]
  fit:
    uses: team/fit
    resources: { cpus: 1 }
  fit_default:
    uses: team/fit
`;

// Unset CUDA_VISIBLE_DEVICES: on a GPU machine or in a Slurm job it would narrow the fake inventory.
const gpus = (count: number): NodeJS.ProcessEnv => ({ VERIFLOW_FAKE_GPUS: String(count), CUDA_VISIBLE_DEVICES: undefined });

describe('resources from expressions and step kinds', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({ 'wf.yaml': WORKFLOW, 'steps.mjs': PLUGIN })));
  after(() => dispose());

  it('plan shows each instance\'s resources: the expression per matrix value, the kind\'s defaults overridden field by field', async () => {
    const plan = await runCli(['plan', 'wf.yaml', '--cpus', '2'], dir, gpus(1));
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /^instance +action +resources +why$/m);
    assert.match(plan.stdout, /^train\[device=cpu\] +run +cpus=2 gpu=0 +new$/m);
    assert.match(plan.stdout, /^train\[device=gpu\] +run +cpus=1 gpu=1 +new$/m);
    assert.match(plan.stdout, /^fit +run +cpus=1 gpu=1 memory_mb=512 +new$/m);
    assert.match(plan.stdout, /^fit_default +run +cpus=2 gpu=1 memory_mb=512 +new$/m);
    const json = JSON.parse((await runCli(['plan', 'wf.yaml', '--json'], dir, gpus(1))).stdout) as { name: string; resources: unknown }[];
    assert.deepEqual(json.find((item) => item.name === 'train[device=gpu]')!.resources, { cpus: 1, gpu: 1 });
  });

  it('refuses before anything runs where the evaluated GPUs are missing, naming the instances', async () => {
    const result = await runCli(['run', 'wf.yaml'], dir, gpus(0));
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /3 instance\(s\) need more than this machine offers, so nothing was run:\n {2}train\[device=gpu\] needs 1 GPU\(s\) but 0 are available\n {2}fit needs 1 GPU/);
    assert.doesNotMatch(result.stderr, /train\[device=cpu\]/, 'the CPU instance asks for no GPU');
    await assert.rejects(readFile(join(dir, 'cuda-cpu'), 'utf8'), 'not even the CPU instance ran');
    // The same workflow with no GPU asked for runs here.
    const cpuOnly = await runCli(['run', 'wf.yaml', '--only', 'train', '--set', 'gpus_per_job=0'], dir, gpus(0));
    assert.equal(cpuOnly.code, 0, cpuOnly.stderr);
  });

  it('the pool grants what was evaluated: devices to the instances that asked, the kind\'s defaults to its steps', async () => {
    const result = await runCli(['run', 'wf.yaml', '--cpus', '2', '--force'], dir, gpus(1));
    assert.equal(result.code, 0, result.stderr);
    const results = await readResults(dir, 'sized');
    assert.deepEqual(statusesOf(results), { 'train[device=cpu]': 'succeeded', 'train[device=gpu]': 'succeeded', fit: 'succeeded', fit_default: 'succeeded' });
    assert.equal(await readFile(join(dir, 'cuda-gpu'), 'utf8'), '0');
    assert.equal(await readFile(join(dir, 'cuda-cpu'), 'utf8'), '');
    const given = (name: string): unknown => results.instances.find((instance) => instance.name === name)!.values.given;
    assert.deepEqual(given('fit'), { resources: { cpus: 1, gpu: 1 }, gpus: [0] });
    assert.deepEqual(given('fit_default'), { resources: { cpus: 2, gpu: 1 }, gpus: [0] });
  });
});
