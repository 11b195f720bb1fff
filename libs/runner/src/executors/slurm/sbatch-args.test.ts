import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttemptPlan } from '../instance-executor.js';
import { allocationGroupOf, arraySbatchArgs, sbatchArgs, slurmTimeLimit } from './sbatch-args.js';

const plan = (resources: AttemptPlan['resources'], timeoutMs: number | undefined): AttemptPlan => ({
  identity: { step: 'train', name: 'train[lr=0.1]', matrix: { lr: 0.1 } },
  kind: 'command',
  module: undefined,
  resolved: { key: 'k', entry: {} as AttemptPlan['resolved']['entry'], runWith: {}, seed: 1, env: {} },
  resources,
  gpus: [],
  timeoutMs,
  attempt: 1,
  attemptDir: '/shared/ws/.veriflow/tmp/run/instance-x/attempt-1',
  checkpointDir: '/shared/ws/.veriflow/checkpoints/k',
  workflowDir: '/shared/wf',
  workspaceDir: '/shared/ws',
  runId: '20261203-120000-abcdef',
  startedAt: '2026-12-03T12:00:00.000Z',
});

const files = { script: '/a/job.sh', output: '/a/slurm.out' };
const none = { partition: undefined, account: undefined, qos: undefined, extraArgs: [] };

describe('sbatch arguments', () => {
  it('map resources to --cpus-per-task, --mem and --gres, and name the job after the run', () => {
    const argv = sbatchArgs(plan({ cpus: 4, gpu: 2, memoryMb: 1536 }, undefined), none, files, 'abc123');
    assert.deepEqual(argv.slice(0, 3), ['sbatch', '--parsable', '--job-name=veriflow-20261203-120000-abcdef']);
    for (const expected of ['--open-mode=append', '--cpus-per-task=4', '--mem=1536M', '--gres=gpu:2', '--output=/a/slurm.out', '--comment=train[lr=0.1] veriflow-submission=abc123']) assert.ok(argv.includes(expected), `${expected} missing from ${argv.join(' ')}`);
    assert.equal(argv.at(-1), '/a/job.sh');
    assert.ok(!argv.some((arg) => arg.startsWith('--time')), 'no timeout, no time limit');
  });

  it('asks for no GPU or memory the step did not declare', () => {
    const argv = sbatchArgs(plan({ cpus: 1, gpu: 0, memoryMb: undefined }, undefined), none, files, 'abc123');
    assert.ok(!argv.some((arg) => arg.startsWith('--gres') || arg.startsWith('--mem')), argv.join(' '));
  });

  it('puts the user settings after ours, so extra_args win', () => {
    const argv = sbatchArgs(plan({ cpus: 1, gpu: 0, memoryMb: undefined }, 90_000), { partition: 'gpu', account: 'lab', qos: 'high', extraArgs: ['--cpus-per-task=8'] }, files, 'abc123');
    const at = (arg: string): number => argv.indexOf(arg);
    assert.ok(at('--partition=gpu') > 0 && at('--account=lab') > 0 && at('--qos=high') > 0, argv.join(' '));
    assert.ok(at('--cpus-per-task=8') > at('--cpus-per-task=1'));
    assert.ok(argv.includes('--time=3'), argv.join(' '));
  });

  it('gives Slurm a time limit a minute past the timeout, in whole minutes', () => {
    assert.equal(slurmTimeLimit(1000), '2');
    assert.equal(slurmTimeLimit(60_000), '2');
    assert.equal(slurmTimeLimit(2 * 3600_000), '121');
  });

  it('submits an array with one task per attempt, each task writing to its own %a file, the allocation shared', () => {
    const plans = [0, 1, 2].map(() => plan({ cpus: 2, gpu: 1, memoryMb: undefined }, 60_000));
    const argv = arraySbatchArgs(plans, { ...none, extraArgs: ['--constraint=a100'] }, { script: '/arr/job.sh', output: '/arr/%a.out', dir: '/arr' }, 'abc123');
    for (const expected of ['--array=0-2', '--output=/arr/%a.out', '--chdir=/arr', '--cpus-per-task=2', '--gres=gpu:1', '--time=2', '--comment=train x3 veriflow-submission=abc123']) assert.ok(argv.includes(expected), `${expected} missing from ${argv.join(' ')}`);
    assert.deepEqual(argv.slice(-2), ['--constraint=a100', '/arr/job.sh']);
  });

  it('lets only attempts of one step with the same allocation and timeout share an array', () => {
    const base = allocationGroupOf(plan({ cpus: 1, gpu: 0, memoryMb: undefined }, undefined));
    assert.equal(allocationGroupOf({ ...plan({ cpus: 1, gpu: 0, memoryMb: undefined }, undefined), attempt: 2 }), base);
    assert.notEqual(allocationGroupOf(plan({ cpus: 2, gpu: 0, memoryMb: undefined }, undefined)), base);
    assert.notEqual(allocationGroupOf(plan({ cpus: 1, gpu: 0, memoryMb: 512 }, undefined)), base);
    assert.notEqual(allocationGroupOf(plan({ cpus: 1, gpu: 0, memoryMb: undefined }, 1000)), base);
    const other = plan({ cpus: 1, gpu: 0, memoryMb: undefined }, undefined);
    assert.notEqual(allocationGroupOf({ ...other, identity: { ...other.identity, step: 'evaluate' } }), base);
  });
});
