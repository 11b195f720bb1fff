import assert from 'node:assert/strict';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readResults, runCli, statusesOf, workspace } from '../support/cli.js';

/**
 * A gpu: 1 job that records, when it starts, its CUDA_VISIBLE_DEVICES and which jobs had started and
 * ended; then it waits until a second job has started (proving two ran side by side, with no timing
 * threshold: a scheduler running them one at a time makes the first one give up and fail) and ends.
 */
const JOB = `
import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const [events, name] = process.argv.slice(2);
const list = (prefix) => readdirSync(events).filter((file) => file.startsWith(prefix)).map((file) => file.slice(prefix.length));
const note = (kind, value) => {
  writeFileSync(join(events, '.tmp-' + name), JSON.stringify(value));
  renameSync(join(events, '.tmp-' + name), join(events, kind + name));
};
note('start-', { cuda: process.env.CUDA_VISIBLE_DEVICES, order: process.env.CUDA_DEVICE_ORDER, started: list('start-'), ended: list('end-') });
const giveUp = Date.now() + 60_000;
while (list('start-').length < 2) {
  if (Date.now() > giveUp) { console.error('no other GPU job started beside this one'); process.exit(1); }
  await new Promise((resolve) => setTimeout(resolve, 20));
}
note('end-', {});
`;

const WORKFLOW = `
name: gpu-sched
steps:
  train:
    uses: command
    matrix: { n: [1, 2, 3] }
    resources: { gpu: 1 }
    with:
      run: [node, "\${{ workflow.dir }}/job.mjs", "\${{ workflow.dir }}/events", "job\${{ matrix.n }}"]
  prep:
    uses: command
    with:
      run: [node, -e, "require('node:fs').writeFileSync(process.argv[1], process.env.CUDA_VISIBLE_DEVICES)", "\${{ workflow.dir }}/events/prep-cuda"]
`;

interface Start {
  readonly cuda: string;
  readonly order: string;
  readonly started: readonly string[];
  readonly ended: readonly string[];
}

describe('GPU scheduling with a fake inventory', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  // Unset CUDA_VISIBLE_DEVICES: on a GPU machine or in a Slurm job it would narrow the fake inventory.
  const fakeTwo = { VERIFLOW_FAKE_GPUS: '0:NVIDIA H100,1:NVIDIA H100', CUDA_VISIBLE_DEVICES: undefined };
  before(async () => {
    ({ dir, dispose } = await workspace({ 'wf.yaml': WORKFLOW, 'job.mjs': JOB }));
    await mkdir(join(dir, 'events'));
  });
  after(() => dispose());

  it('runs two gpu: 1 instances side by side on different devices, and the third once one ended', async () => {
    const result = await runCli(['run', 'wf.yaml', '--jobs', '4', '--cpus', '4'], dir, fakeTwo);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(statusesOf(await readResults(dir, 'gpu-sched')), { 'train[n=1]': 'succeeded', 'train[n=2]': 'succeeded', 'train[n=3]': 'succeeded', prep: 'succeeded' });
    const events = join(dir, 'events');
    const starts = new Map<string, Start>();
    for (const name of ['job1', 'job2', 'job3']) starts.set(name, JSON.parse(await readFile(join(events, `start-${name}`), 'utf8')) as Start);
    // Each saw the jobs that had started before it (not itself): the one that saw two others is the one that waited.
    const [third, ...pair] = [...starts].sort(([, a], [, b]) => b.started.length - a.started.length);
    assert.equal(third![1].started.length, 2, 'the third job starts after both others started');
    assert.ok(third![1].ended.length >= 1, `the third job started while both others still held a GPU: ${JSON.stringify(third![1])}`);
    for (const [name, start] of pair) assert.equal(start.ended.length, 0, `${name} started after another ended, so the first two did not overlap`);
    const pairDevices = pair.map(([, start]) => start.cuda).sort();
    assert.deepEqual(pairDevices, ['0', '1'], 'the two jobs side by side hold different devices');
    assert.ok(['0', '1'].includes(third![1].cuda), `the third job gets one device, got "${third![1].cuda}"`);
    assert.ok([...starts.values()].every((start) => start.order === 'PCI_BUS_ID'));
    // A step that asked for no GPU is shown none.
    assert.equal(await readFile(join(events, 'prep-cuda'), 'utf8'), '');

    const runId = (await readdir(join(dir, '.veriflow', 'runs')))[0]!;
    const logs = await readdir(join(dir, '.veriflow', 'runs', runId, 'logs'));
    const log = await readFile(join(dir, '.veriflow', 'runs', runId, 'logs', logs.find((file) => file.startsWith('train') && file.includes('n=1'))!), 'utf8');
    assert.match(log, /attempt 1 of train\[n=1\] \(command@\d+, key [0-9a-f]{12}\) on GPU [01] \(NVIDIA H100\)/);
    // The compact table of the step names the devices too.
    const compact = await runCli(['runs', 'show', runId], dir);
    assert.equal(compact.code, 0, compact.stderr);
    assert.match(compact.stdout, /\bgpus\b/);
    const shown = await runCli(['runs', 'show', runId, '--all'], dir);
    assert.equal(shown.code, 0, shown.stderr);
    const header = shown.stdout.split('\n').find((line) => line.startsWith('instance'))!;
    assert.match(header, /\bgpus\b/);
    const rowOf = (name: string): string => shown.stdout.split('\n').find((line) => line.startsWith(`${name} `))!;
    assert.match(rowOf('train[n=1]'), new RegExp(`\\s${starts.get('job1')!.cuda}$`), 'runs show names the device the instance had');
    assert.doesNotMatch(rowOf('prep'), /\s[01]$/, 'an instance without GPUs shows none');
  });

  it('refuses, before anything runs, an instance needing more GPUs than there are, and says what was found', async () => {
    const text = WORKFLOW.replace('resources: { gpu: 1 }', 'resources: { gpu: 3 }').replace('name: gpu-sched', 'name: too-big').replaceAll('/events', '/events-big');
    const big = await workspace({ 'wf.yaml': text, 'job.mjs': JOB });
    try {
      await mkdir(join(big.dir, 'events-big'));
      const result = await runCli(['run', 'wf.yaml'], big.dir, fakeTwo);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /3 instance\(s\) need more than this machine offers, so nothing was run:\n {2}train\[n=1\] needs 3 GPU\(s\) but 2 are available \(0: NVIDIA H100, 1: NVIDIA H100\)/);
      assert.match(result.stderr, /GPU discovery: 2 GPU\(s\) found by the fake inventory VERIFLOW_FAKE_GPUS/);
      // Not even the CPU step beside it ran.
      assert.deepEqual(await readdir(join(big.dir, 'events-big')), []);
      const plan = await runCli(['plan', 'wf.yaml'], big.dir, fakeTwo);
      assert.equal(plan.code, 0, plan.stderr);
      assert.match(plan.stdout, /veriflow run would refuse 3 instance\(s\) on this machine, running nothing:\n {2}train\[n=1\] needs 3 GPU\(s\)/);
    } finally {
      await big.dispose();
    }
  });

  it('gives TypeScript steps their devices as ctx.gpus, inline and in a worker thread', async () => {
    const plugin = ['inline', 'worker'].map((mode) => `{ name: 'team/${mode}', version: '1', description: 'reports ctx.gpus', ${mode === 'worker' ? "execution: 'worker', " : ''}with: { type: 'object' }, outputs: { gpus: { kind: 'string' } }, async run(ctx) { return { gpus: JSON.stringify(ctx.gpus) }; } }`);
    const steps = await workspace({
      'steps.mjs': `export const steps = [${plugin.join(', ')}];\n`,
      'wf.yaml': 'name: ts-gpus\nplugins: [./steps.mjs]\nsteps:\n  inline: { uses: team/inline, resources: { gpu: 2 }, with: {} }\n  worker: { uses: team/worker, needs: [inline], resources: { gpu: 1 }, with: {} }\n',
    });
    try {
      const result = await runCli(['run', 'wf.yaml'], steps.dir, { VERIFLOW_FAKE_GPUS: '0:NVIDIA H100,1:NVIDIA H200', CUDA_VISIBLE_DEVICES: undefined });
      assert.equal(result.code, 0, result.stderr);
      const values = Object.fromEntries((await readResults(steps.dir, 'ts-gpus')).instances.map((instance) => [instance.name, JSON.parse(instance.values.gpus as string)]));
      assert.deepEqual(values, { inline: [{ index: 0, name: 'NVIDIA H100' }, { index: 1, name: 'NVIDIA H200' }], worker: [{ index: 0, name: 'NVIDIA H100' }] });
    } finally {
      await steps.dispose();
    }
  });

  it('--gpus N uses the first N GPUs and refuses more than there are; capacity lists them', async () => {
    const capacity = await runCli(['capacity', '--json', '--gpus', '1'], dir, fakeTwo);
    assert.equal(capacity.code, 0, capacity.stderr);
    assert.deepEqual((JSON.parse(capacity.stdout) as { gpus: unknown }).gpus, [{ index: 0, name: 'NVIDIA H100' }]);
    const text = await runCli(['capacity'], dir, fakeTwo);
    assert.match(text.stdout, /gpus {2}2 \(2 GPU\(s\) found by the fake inventory VERIFLOW_FAKE_GPUS\)\n\nindex +model[^\n]*\n[^\n]*\n0 +NVIDIA H100/);
    const tooMany = await runCli(['run', 'wf.yaml', '--gpus', '3'], dir, fakeTwo);
    assert.equal(tooMany.code, 2);
    assert.match(tooMany.stderr, /--gpus 3 asks for more GPUs than this machine has: 2 GPU\(s\) found by the fake inventory VERIFLOW_FAKE_GPUS\. Pass at most --gpus 2/);
  });
});
