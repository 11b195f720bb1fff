import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { readResults, runCli, startCli, workspace } from '../support/cli.js';
import { essence, liveJobsOf, runIdOf, slurmAvailability } from '../support/slurm.js';

const { skip } = slurmAvailability();
const SLURM = ['--executor', 'slurm'];
// The test cluster answers at once; polling squeue five times a second keeps these tests short.
const FAST = { VERIFLOW_SLURM_POLL_MS: '200' };

const PHASE_TRANSITION = resolve(import.meta.dirname, '..', '..', '..', 'workflows', 'paper', 'gaussian-phase-transition.yaml');
const SMALL_GAUSSIAN = ['--set', 'dim=10', '--set', 'n=2000', '--set', 'n_test=500', '--set', 'ps=[0.3]', '--only', 'evaluate'];

const RETRIES = `
name: slurm-retries
steps:
  flaky:
    uses: command
    retries: 1
    retry-backoff: 1s
    with:
      # Fails the first time (leaving a mark), succeeds the second: each attempt is its own Slurm job.
      run: [sh, -c, 'if [ -e "$1" ]; then echo ok > out.txt; else touch "$1"; exit 3; fi', sh, "\${{ workflow.dir }}/flaky.mark"]
      outputs: { out: out.txt }
  broken:
    uses: command
    retries: 1
    retry-backoff: 1s
    with:
      run: [sh, -c, 'echo "the disk is on fire" >&2; exit 4']
  slow:
    uses: command
    timeout: 2s
    with:
      run: [sleep, "60"]
`;

/** Three instances of a command step (`i` = 1, 2, 3) with the given resources. */
const threeCommands = (name: string, resources: string, run: string): string => `
name: ${name}
steps:
  work:
    uses: command
    matrix: { i: [1, 2, 3] }
    resources: ${resources}
    with:
      run: ${run}
      values: slot.json
`;

// Each writes which GPUs it was given and when it ran.
const GPUS = threeCommands(
  'slurm-gpus',
  '{ cpus: 1, gpu: 1 }',
  `[node, -e, "const start = Date.now(); setTimeout(() => require('node:fs').writeFileSync('slot.json', JSON.stringify({ devices: process.env.CUDA_VISIBLE_DEVICES ?? 'unset', start, end: Date.now() })), 3000)", "\${{ matrix.i }}"]`,
);
const SLEEPERS = threeCommands('slurm-cancel', '{ cpus: 1 }', `[sh, -c, 'sleep 120', "\${{ matrix.i }}"]`);

describe('the Slurm executor on a real single-node cluster', { skip }, () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => {
    ({ dir, dispose } = await workspace({ 'retries.yaml': RETRIES, 'gpus.yaml': GPUS, 'sleepers.yaml': SLEEPERS }));
  });
  after(async () => dispose?.());

  it('gives the Gaussian workflow the same keys and values as the local executor, and its results are cache hits locally afterwards', async () => {
    const local = await workspace({});
    const cluster = await workspace({});
    try {
      const onHost = await runCli(['run', PHASE_TRANSITION, ...SMALL_GAUSSIAN], local.dir);
      assert.equal(onHost.code, 0, onHost.stderr);
      const onSlurm = await runCli(['run', PHASE_TRANSITION, ...SMALL_GAUSSIAN, ...SLURM], cluster.dir, FAST);
      assert.equal(onSlurm.code, 0, onSlurm.stderr);
      const expected = (await readResults(local.dir, 'gaussian-phase-transition')).instances;
      const got = (await readResults(cluster.dir, 'gaussian-phase-transition')).instances;
      assert.equal(got.length, 14);
      assert.deepEqual(essence(got), essence(expected));
      assert.match(onSlurm.stderr, /evaluate\[p=0\.3,replicate=1,verifier=oracle\] \| slurm job \d+(_\d+)? RUNNING/);
      // The four verify instances, ready together (after synth) with the same resources, were the tasks of one array job.
      const verifyTasks = [...onSlurm.stderr.matchAll(/verify\[[^\]]*\] \| slurm job (\d+)_(\d+) SUBMITTED/g)];
      assert.equal(verifyTasks.length, 4, onSlurm.stderr);
      assert.equal(new Set(verifyTasks.map((match) => match[1])).size, 1, onSlurm.stderr);

      const shown = await runCli(['runs', 'show', runIdOf(onSlurm.stderr)], cluster.dir);
      assert.match(shown.stdout, /problem \(gaussian\/sample\): succeeded.*\n\s+job=slurm \d+ COMPLETED/);
      const every = await runCli(['runs', 'show', runIdOf(onSlurm.stderr), '--all'], cluster.dir);
      assert.match(every.stdout, /problem\s+succeeded\s+.*slurm \d+ COMPLETED/);

      const again = await runCli(['run', PHASE_TRANSITION, ...SMALL_GAUSSIAN], cluster.dir);
      assert.equal(again.code, 0, again.stderr);
      const statuses = (await readResults(cluster.dir, 'gaussian-phase-transition')).instances.map((instance) => instance.status);
      assert.deepEqual(new Set(statuses), new Set(['cached']));
    } finally {
      await local.dispose();
      await cluster.dispose();
    }
  });

  it('retries a failed job per `retries` as a new job, and reports one that keeps failing (with its stderr) or times out', async () => {
    const run = await runCli(['run', 'retries.yaml', '--keep-going', ...SLURM], dir, FAST);
    assert.equal(run.code, 1, run.stderr);
    const byName = new Map((await readResults(dir, 'slurm-retries')).instances.map((instance) => [instance.name, instance]));
    assert.equal(byName.get('flaky')?.status, 'succeeded');
    assert.equal(byName.get('flaky')?.attempts, 2);
    assert.equal(byName.get('broken')?.status, 'failed');
    assert.match(byName.get('broken')?.error ?? '', /failed after 2 attempts: .*exit(ed with)? code 4[\s\S]*the disk is on fire/);
    // The attempt enforces the timeout on the node and says so; Slurm's --time is only the backstop.
    assert.equal(byName.get('slow')?.status, 'failed');
    assert.match(byName.get('slow')?.error ?? '', /attempt 1 timed out after 2\.0s/);
    const logs = join(dir, '.veriflow', 'runs', runIdOf(run.stderr), 'logs');
    const flakyLog = readFileSync(join(logs, 'flaky.log'), 'utf8');
    const jobs = new Set([...flakyLog.matchAll(/slurm job (\d+) submitted/g)].map((match) => match[1]));
    assert.equal(jobs.size, 2, flakyLog);
  });

  it('gives two gpu:1 instances the two fake GPUs side by side while the third waits', async () => {
    const run = await runCli(['run', 'gpus.yaml', ...SLURM], dir, FAST);
    assert.equal(run.code, 0, run.stderr);
    const slots = (await readResults(dir, 'slurm-gpus')).instances
      .map((instance) => instance.values as { devices: string; start: number; end: number })
      .sort((a, b) => a.start - b.start);
    assert.equal(slots.length, 3);
    const [first, second, third] = slots as [(typeof slots)[0], (typeof slots)[0], (typeof slots)[0]];
    assert.ok(second.start < first.end, `the first two ran one after the other: ${JSON.stringify(slots)}`);
    assert.deepEqual(new Set([first.devices, second.devices]), new Set(['0', '1']));
    assert.ok(third.start >= Math.min(first.end, second.end), `the third did not wait for a GPU: ${JSON.stringify(slots)}`);
    assert.match(third.devices, /^[01]$/);
  });

  it('Ctrl-C cancels every job of the run: none is left in squeue', async () => {
    const cli = startCli(['run', 'sleepers.yaml', ...SLURM], dir, FAST);
    let stderr = '';
    cli.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let runId: string | undefined;
    for (let tries = 0; tries < 300; tries++) {
      runId ??= /\(\d+ instances, run (\S+)\)/.exec(stderr)?.[1];
      if (runId && liveJobsOf(runId).some((line) => line.endsWith('RUNNING'))) break;
      await delay(100);
    }
    assert.ok(runId, stderr);
    assert.ok(liveJobsOf(runId).length > 0, 'no job of the run reached squeue');
    // The three sleepers are tasks of one array job: cancelling it leaves none of its tasks behind.
    assert.equal(new Set(liveJobsOf(runId).map((line) => /^(\d+)_\d+ /.exec(line)?.[1])).size, 1, liveJobsOf(runId).join('\n'));
    cli.child.kill('SIGINT');
    const done = await cli.done;
    assert.equal(done.code, 130, done.stderr);
    assert.deepEqual(liveJobsOf(runId), []);
    const statuses = (await readResults(dir, 'slurm-cancel')).instances.map((instance) => instance.status);
    assert.deepEqual(new Set(statuses), new Set(['cancelled']));
    // Nothing of the cancelled attempts is left behind in the run's scratch space.
    const scratch = join(dir, '.veriflow', 'tmp', runId);
    assert.deepEqual(existsSync(scratch) ? readdirSync(scratch) : [], []);
  });
});
