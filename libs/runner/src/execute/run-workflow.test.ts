import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { defineStep, deriveSeed, StepRegistry } from '@veriflow/step-api';
import { compileWorkflow, loadWorkflow } from '@veriflow/workflow';
import type { WorkflowGraph } from '@veriflow/workflow';
import { acquireLock } from '../store/index.js';
import { JobRecords } from '../executors/job-records.js';
import { catalogOf, describeReason, planWorkflow, runWorkflow, Workspace } from '../index.js';
import { logFileName } from './run-workflow.js';
import type { Capacity, PlannedInstance, RunObserver, RunResult } from '../index.js';

// Tiny step kinds. Side effects go into these maps, keyed by a `tag` each test picks, so tests stay independent.
const calls = new Map<string, number>();
const seeds = new Map<string, number>();
const count = (tag: string): number => calls.get(tag) ?? 0;
const bump = (tag: string): number => {
  calls.set(tag, count(tag) + 1);
  return count(tag);
};

const add = defineStep({
  name: 'toy/add',
  version: '1',
  description: 'a + b',
  with: { type: 'object', properties: { tag: { type: 'string' }, a: { type: 'number' }, b: { type: 'number', default: 0 } }, required: ['tag', 'a'], additionalProperties: false },
  outputs: { total: { kind: 'number' } },
}).run(async (ctx) => {
  bump(ctx.with.tag);
  seeds.set(`${ctx.with.tag}/${ctx.instance.name}`, ctx.seed);
  ctx.metrics.log('total', ctx.with.a + (ctx.with.b ?? 0));
  return { total: ctx.with.a + (ctx.with.b ?? 0) };
});

const report = defineStep({
  name: 'toy/report',
  version: '1',
  description: 'writes its input as a JSON artifact',
  with: { type: 'object', properties: { tag: { type: 'string' }, total: { type: 'number' } }, required: ['tag', 'total'], additionalProperties: false },
  outputs: { report: { kind: 'artifact' } },
}).run(async (ctx) => {
  bump(ctx.with.tag);
  await ctx.writeJson('report', { total: ctx.with.total });
  return {};
});

const flaky = defineStep({
  name: 'toy/flaky',
  version: '1',
  description: 'fails the first `failures` times it runs',
  with: { type: 'object', properties: { tag: { type: 'string' }, failures: { type: 'integer' } }, required: ['tag', 'failures'], additionalProperties: false },
  outputs: { ok: { kind: 'boolean' } },
}).run(async (ctx) => {
  const attempt = bump(ctx.with.tag);
  if (attempt <= ctx.with.failures) throw new Error(`flaky failure ${attempt}`);
  return { ok: true };
});

const slow = defineStep({
  name: 'toy/slow',
  version: '1',
  description: 'waits, stopping when its signal aborts',
  with: { type: 'object', properties: { tag: { type: 'string' }, ms: { type: 'integer' } }, required: ['tag', 'ms'], additionalProperties: false },
  outputs: { done: { kind: 'boolean' } },
}).run(async (ctx) => {
  bump(ctx.with.tag);
  await delay(ctx.with.ms, undefined, { signal: ctx.signal }).catch(() => ctx.signal.throwIfAborted());
  return { done: true };
});

/** Fails until it finds its own progress in the checkpoint directory, as a resumed long step would. */
const resumable = defineStep({
  name: 'toy/resumable',
  version: '1',
  description: 'saves progress to ctx.checkpointDir, fails once, finishes from the saved progress',
  with: { type: 'object', properties: { tag: { type: 'string' } }, required: ['tag'], additionalProperties: false },
  outputs: { resumedFrom: { kind: 'number' }, dir: { kind: 'string' } },
}).run(async (ctx) => {
  bump(ctx.with.tag);
  const file = join(ctx.checkpointDir, 'progress');
  if (!existsSync(file)) {
    await writeFile(file, '7');
    throw new Error('interrupted after saving progress');
  }
  return { resumedFrom: Number(await readFile(file, 'utf8')), dir: ctx.checkpointDir };
});

/** Records the GPUs it was given, keyed by its tag; fails or outlives its timeout when asked. */
const seenGpus = new Map<string, number[]>();
const onGpu = defineStep({
  name: 'toy/gpu',
  version: '1',
  description: 'records ctx.gpus, then fails, hangs or succeeds',
  with: { type: 'object', properties: { tag: { type: 'string' }, then: { enum: ['succeed', 'fail', 'hang'] } }, required: ['tag', 'then'], additionalProperties: false },
  outputs: { ok: { kind: 'boolean' } },
}).run(async (ctx) => {
  seenGpus.set(ctx.with.tag, ctx.gpus.map((gpu) => gpu.index));
  if (ctx.with.then === 'fail') throw new Error('out of device memory');
  if (ctx.with.then === 'hang') await delay(60_000, undefined, { signal: ctx.signal }).catch(() => ctx.signal.throwIfAborted());
  return { ok: true };
});

const registry = new StepRegistry();
registry.register([add, report, flaky, slow, resumable, onGpu], 'run-workflow.test');

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
const newWorkspace = async (): Promise<Workspace> => {
  const dir = await mkdtemp(join(tmpdir(), 'veriflow-run-'));
  dirs.push(dir);
  return new Workspace(dir);
};

const compile = (text: string): WorkflowGraph => compileWorkflow(loadWorkflow(text, 'wf.yaml'), catalogOf(registry), { workflowDir: '/w', env: {} });

let runs = 0;
interface RunOptions {
  readonly capacity?: Partial<Capacity>;
  readonly keepGoing?: boolean;
  readonly force?: 'all' | ReadonlySet<string>;
  readonly signal?: AbortSignal;
  readonly observers?: RunObserver[];
  readonly lockTimeoutMs?: number;
}
function run(workspace: Workspace, graph: WorkflowGraph, options: RunOptions = {}): Promise<RunResult> {
  return runWorkflow({
    workspace,
    graph,
    workflowDir: '/w',
    registry,
    runId: `run-${++runs}`,
    capacity: { jobs: 4, cpus: 8, gpus: 0, ...options.capacity },
    keepGoing: options.keepGoing ?? false,
    selection: options.force ? { force: options.force } : {},
    env: {},
    previous: new Map(),
    signal: options.signal ?? new AbortController().signal,
    observers: options.observers ?? [],
    ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
  });
}
const statuses = (result: RunResult): Record<string, string> => Object.fromEntries(result.outcomes.map((outcome) => [outcome.name, outcome.status]));
const outcome = (result: RunResult, name: string) => {
  const found = result.outcomes.find((item) => item.name === name);
  assert.ok(found, `no outcome for ${name}`);
  return found;
};

const PIPELINE = (tag: string): string =>
  [
    'name: pipeline',
    'steps:',
    '  sum:',
    '    uses: toy/add',
    '    matrix: { a: [1, 2] }',
    `    with: { tag: ${tag}, a: "\${{ matrix.a }}", b: 10 }`,
    '  report:',
    '    uses: toy/report',
    `    with: { tag: ${tag}-report, total: "\${{ steps.sum.outputs.total }}" }`,
    '',
  ].join('\n');

describe('runWorkflow', () => {
  it('runs every instance in dependency order and records its outputs', async () => {
    const workspace = await newWorkspace();
    const events: string[] = [];
    const result = await run(workspace, compile(PIPELINE('rec')), {
      capacity: { jobs: 1 },
      observers: [{ runStarted: (start) => events.push(`start ${start.total}`), instanceStarted: (name) => events.push(`+${name}`), instanceFinished: (done) => events.push(`-${done.name}`), runFinished: (end) => void events.push(`end ${end.status}`) }],
    });
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(statuses(result), { 'sum[a=1]': 'succeeded', 'sum[a=2]': 'succeeded', 'report[a=1]': 'succeeded', 'report[a=2]': 'succeeded' });
    assert.deepEqual(events, ['start 4', '+sum[a=1]', '-sum[a=1]', '+sum[a=2]', '-sum[a=2]', '+report[a=1]', '-report[a=1]', '+report[a=2]', '-report[a=2]', 'end succeeded']);

    const sum = outcome(result, 'sum[a=2]');
    assert.deepEqual(sum.values, { total: 12 });
    assert.deepEqual(sum.metrics, { total: 12 });
    assert.equal(sum.attempts, 1);
    assert.deepEqual(sum.reason, { kind: 'new' });
    const record = await workspace.records.read(sum.key!);
    assert.equal(record?.name, 'sum[a=2]');
    assert.deepEqual(record?.outputs, { total: { kind: 'value', value: 12 } });
    assert.deepEqual(record?.with, { tag: 'rec', a: 2, b: 10 });

    const reportRecord = await workspace.records.read(outcome(result, 'report[a=1]').key!);
    const artifact = reportRecord?.outputs.report;
    assert.equal(artifact?.kind, 'artifact');
    assert.ok(artifact?.kind === 'artifact');
    assert.deepEqual(JSON.parse(await readFile(workspace.objects.pathOf(artifact.digest), 'utf8')), { total: 11 });
    assert.deepEqual(Object.keys(reportRecord?.inputs ?? {}), []);
    assert.deepEqual([...result.lockEntries.keys()].sort(), ['report[a=1]', 'report[a=2]', 'sum[a=1]', 'sum[a=2]']);
    assert.equal(await workspace.markers.readIncomplete(sum.key!), undefined);
  });

  it('gives every instance its own log file, even when sanitising makes their names equal', async () => {
    const workspace = await newWorkspace();
    // Both names used to become sum_v=_x_y_.log.
    const result = await run(workspace, compile(['name: logs', 'steps:', '  sum:', '    uses: toy/add', '    matrix: { v: [x/y, _x_y] }', '    with: { tag: "${{ matrix.v }}", a: 1 }', ''].join('\n')));
    assert.deepEqual(statuses(result), { 'sum[v="x/y"]': 'succeeded', 'sum[v=_x_y]': 'succeeded' });
    const logs = await readdir(workspace.layout.runLogsDir(result.runId));
    assert.equal(logs.length, 2, `one log per instance, got ${logs.join(', ')}`);
    for (const name of Object.keys(statuses(result))) {
      const text = await readFile(join(workspace.layout.runLogsDir(result.runId), logFileName(name)), 'utf8');
      assert.match(text, new RegExp(`attempt 1 of ${name.replace(/[[\]]/g, '\\$&')} `));
    }
    assert.equal(logFileName('sum'), 'sum.log', 'a name that needs no change is kept as it is');
  });

  it('a second run is all cached and runs nothing', async () => {
    const workspace = await newWorkspace();
    const graph = compile(PIPELINE('again'));
    const first = await run(workspace, graph);
    assert.equal(count('again'), 2);
    const second = await run(workspace, graph);
    assert.equal(second.status, 'succeeded');
    assert.ok(second.outcomes.every((item) => item.status === 'cached' && item.reason.kind === 'cached'));
    assert.equal(count('again'), 2);
    assert.equal(count('again-report'), 2);
    assert.deepEqual(outcome(second, 'sum[a=1]').values, { total: 11 });
    assert.equal(outcome(second, 'report[a=2]').key, outcome(first, 'report[a=2]').key);
    assert.equal(second.lockEntries.size, 4);
  });

  it('retries a failing step and counts its attempts', async () => {
    const workspace = await newWorkspace();
    const result = await run(workspace, compile(['name: r', 'steps:', '  ok: { uses: toy/flaky, retries: 2, with: { tag: retry-ok, failures: 2 } }', '  no: { uses: toy/flaky, retries: 1, with: { tag: retry-no, failures: 5 } }', ''].join('\n')), { keepGoing: true });
    assert.equal(outcome(result, 'ok').status, 'succeeded');
    assert.equal(outcome(result, 'ok').attempts, 3);
    assert.equal(outcome(result, 'no').status, 'failed');
    assert.equal(outcome(result, 'no').attempts, 2);
    assert.equal(outcome(result, 'no').error, 'failed after 2 attempts: flaky failure 2');
    assert.equal(count('retry-no'), 2);
    assert.equal(result.status, 'failed');
    assert.equal((await workspace.records.read(outcome(result, 'ok').key!))?.attempts, 3);
  });

  it('waits the retry backoff before each retry, growing by its factor, and says so in the log', async () => {
    const workspace = await newWorkspace();
    const warnings: string[] = [];
    const starts: number[] = [];
    const observers: RunObserver[] = [{ instanceLog: (_, level, line) => level === 'warn' && warnings.push(line), instanceStarted: () => starts.push(Date.now()) }];
    const text = ['name: b', 'steps:', '  ok: { uses: toy/flaky, retries: 2, retry-backoff: { delay: 300ms, factor: 2 }, with: { tag: backoff, failures: 2 } }', ''].join('\n');
    const result = await run(workspace, compile(text), { observers });
    assert.equal(outcome(result, 'ok').attempts, 3);
    assert.deepEqual(warnings, ['attempt 1/3 failed: flaky failure 1; retrying in 300ms', 'attempt 2/3 failed: flaky failure 2; retrying in 600ms']);
    assert.ok(starts[1]! - starts[0]! >= 300 && starts[2]! - starts[1]! >= 600, `attempts started ${starts.map((t) => t - starts[0]!).join(', ')} ms in`);
  });

  it('Ctrl-C during the wait before a retry cancels the instance at once, without retrying', async () => {
    const workspace = await newWorkspace();
    const controller = new AbortController();
    const observers: RunObserver[] = [{ instanceLog: (_, level, line) => level === 'warn' && line.includes('retrying in 60m00s') && controller.abort() }];
    const text = ['name: c', 'steps:', '  no: { uses: toy/flaky, retries: 3, retry-backoff: 1h, with: { tag: backoff-cancel, failures: 9 } }', ''].join('\n');
    const result = await run(workspace, compile(text), { observers, signal: controller.signal });
    assert.equal(outcome(result, 'no').status, 'cancelled');
    assert.equal(count('backoff-cancel'), 1);
  });

  it('keeps a checkpoint directory across attempts and removes it once the instance succeeds', async () => {
    const workspace = await newWorkspace();
    const result = await run(workspace, compile(['name: ck', 'steps:', '  long: { uses: toy/resumable, retries: 1, with: { tag: ck } }', ''].join('\n')));
    const long = outcome(result, 'long');
    assert.equal(long.status, 'succeeded');
    assert.equal(long.attempts, 2);
    assert.equal(long.values.resumedFrom, 7);
    assert.equal(existsSync(String(long.values.dir)), false, 'removed after success');
  });

  it('continue-on-error: the failure is tolerated, a step that only needs it still runs (as in GitHub Actions), the run succeeds', async () => {
    const workspace = await newWorkspace();
    const graph = compile(['name: c', 'steps:', '  bad: { uses: toy/flaky, continue-on-error: true, with: { tag: coe, failures: 9 } }', '  after: { uses: toy/add, needs: bad, with: { tag: coe-after, a: 1 } }', ''].join('\n'));
    const result = await run(workspace, graph);
    assert.equal(result.status, 'succeeded');
    assert.equal(outcome(result, 'bad').status, 'failed');
    assert.equal(outcome(result, 'bad').tolerated, true);
    assert.equal(outcome(result, 'after').status, 'succeeded');
    assert.equal(count('coe-after'), 1);
  });

  it('fail-fast: after a failure nothing new starts; not-started instances are stopped', async () => {
    const workspace = await newWorkspace();
    const graph = compile(
      ['name: ff', 'steps:', '  bad: { uses: toy/flaky, with: { tag: ff-bad, failures: 1 } }', '  next: { uses: toy/add, with: { tag: ff-next, a: 1 } }', '  last: { uses: toy/add, with: { tag: ff-last, a: 2 } }', ''].join('\n'),
    );
    const result = await run(workspace, graph, { capacity: { jobs: 1 } });
    assert.equal(result.status, 'failed');
    assert.deepEqual(statuses(result), { bad: 'failed', next: 'skipped', last: 'skipped' });
    assert.deepEqual(outcome(result, 'next').reason, { kind: 'stopped' });
    assert.equal(count('ff-next') + count('ff-last'), 0);
  });

  it('--keep-going: independent instances still run, dependents of the failure are skipped', async () => {
    const workspace = await newWorkspace();
    const graph = compile(
      ['name: kg', 'steps:', '  bad: { uses: toy/flaky, with: { tag: kg-bad, failures: 1 } }', '  child: { uses: toy/add, needs: bad, with: { tag: kg-child, a: 1 } }', '  other: { uses: toy/add, with: { tag: kg-other, a: 2 } }', ''].join('\n'),
    );
    const result = await run(workspace, graph, { capacity: { jobs: 1 }, keepGoing: true });
    assert.equal(result.status, 'failed');
    assert.deepEqual(statuses(result), { bad: 'failed', child: 'skipped', other: 'succeeded' });
    assert.deepEqual(outcome(result, 'child').reason, { kind: 'upstream-not-run', upstream: ['bad'] });
  });

  it('if: false skips the instance (condition-false) and its dependents', async () => {
    const workspace = await newWorkspace();
    const graph = compile(
      ['name: cond', 'params: { enabled: false }', 'steps:', '  gated: { uses: toy/add, if: "${{ params.enabled }}", with: { tag: cond, a: 1 } }', '  child: { uses: toy/report, with: { tag: cond-child, total: "${{ steps.gated.outputs.total }}" } }', ''].join('\n'),
    );
    const result = await run(workspace, graph);
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(outcome(result, 'gated').reason, { kind: 'condition-false' });
    assert.equal(outcome(result, 'gated').status, 'skipped');
    assert.equal(outcome(result, 'child').status, 'skipped');
    assert.deepEqual(outcome(result, 'child').reason, { kind: 'upstream-skipped', upstream: ['gated'] });
    assert.equal(count('cond'), 0);
  });

  it('an instance whose own if: is false before anything runs says so, even behind a failed upstream', async () => {
    const workspace = await newWorkspace();
    const graph = compile(
      [
        'name: cond-late',
        'steps:',
        '  bad: { uses: toy/flaky, with: { tag: cond-late-bad, failures: 1 } }',
        '  fit: { uses: toy/add, matrix: { n: [1, 2] }, if: "${{ matrix.n == 1 }}", needs: bad, with: { tag: cond-late-fit, a: "${{ matrix.n }}" } }',
        '  score: { uses: toy/add, with: { tag: cond-late-score, a: "${{ steps.fit.outputs.total }}" } }',
        '',
      ].join('\n'),
    );
    const result = await run(workspace, graph, { keepGoing: true });
    assert.deepEqual(outcome(result, 'fit[n=2]').reason, { kind: 'condition-false' });
    assert.deepEqual(outcome(result, 'score[n=2]').reason, { kind: 'upstream-skipped', upstream: ['fit[n=2]'] });
    assert.deepEqual(outcome(result, 'score[n=1]').reason, { kind: 'upstream-not-run', upstream: ['fit[n=1]'] });
    assert.equal(count('cond-late-fit') + count('cond-late-score'), 0);
  });

  it('an instance needing more GPUs than the machine has is refused before anything runs, naming what is missing', async () => {
    const workspace = await newWorkspace();
    const graph = compile(['name: g', 'steps:', '  prep: { uses: toy/add, with: { tag: gpu-prep, a: 1 } }', '  fit: { uses: toy/add, resources: { gpu: 2 }, with: { tag: gpu, a: "${{ steps.prep.outputs.total }}" } }', ''].join('\n'));
    const started: string[] = [];
    const refused = run(workspace, graph, { capacity: { gpus: 1, devices: [{ index: 0, name: 'NVIDIA H100' }] }, observers: [{ runStarted: () => started.push('run') }] });
    await assert.rejects(refused, (error: Error) => {
      assert.equal(error.name, 'CapacityError');
      assert.match(error.message, /^1 instance\(s\) need more than this machine offers, so nothing was run:\n {2}fit needs 2 GPU\(s\) but 1 is available \(0: NVIDIA H100\)\n.*nvidia-smi.*--gpus N/s);
      return true;
    });
    // Not even the CPU step upstream of it, and no run was started for the observers to record.
    assert.equal(count('gpu-prep'), 0);
    assert.deepEqual(started, []);
  });

  it('a cached GPU instance does not stop a run on a machine without GPUs', async () => {
    const workspace = await newWorkspace();
    const graph = compile(['name: g', 'steps:', '  fit: { uses: toy/gpu, resources: { gpu: 1 }, with: { tag: cached-gpu, then: succeed } }', '  after: { uses: toy/add, needs: [fit], with: { tag: after-gpu, a: 1 } }', ''].join('\n'));
    await run(workspace, graph, { capacity: { gpus: 1 } });
    const onCpuBox = await run(workspace, graph, { force: new Set(['after']) });
    assert.deepEqual(statuses(onCpuBox), { fit: 'cached', after: 'succeeded' });
  });

  it('hands each GPU instance its device and takes it back when the instance fails or times out', async () => {
    const workspace = await newWorkspace();
    const graph = compile(
      [
        'name: g',
        'steps:',
        '  broken: { uses: toy/gpu, resources: { gpu: 1 }, continue-on-error: true, with: { tag: dev-broken, then: fail } }',
        '  hung: { uses: toy/gpu, resources: { gpu: 1 }, needs: [broken], timeout: 50ms, continue-on-error: true, with: { tag: dev-hung, then: hang } }',
        '  last: { uses: toy/gpu, resources: { gpu: 1 }, needs: [hung], with: { tag: dev-last, then: succeed } }',
        '',
      ].join('\n'),
    );
    const result = await run(workspace, graph, { capacity: { gpus: 1, devices: [{ index: 3, name: 'NVIDIA H100' }] } });
    assert.deepEqual(statuses(result), { broken: 'failed', hung: 'failed', last: 'succeeded' });
    assert.deepEqual([seenGpus.get('dev-broken'), seenGpus.get('dev-hung'), seenGpus.get('dev-last')], [[3], [3], [3]]);
    assert.deepEqual(outcome(result, 'broken').gpus, [{ index: 3, name: 'NVIDIA H100' }]);
    assert.deepEqual(outcome(result, 'last').gpus, [{ index: 3, name: 'NVIDIA H100' }]);
    const log = await readFile(join(workspace.layout.runLogsDir(result.runId), logFileName('last')), 'utf8');
    assert.match(log, /attempt 1 of last \(toy\/gpu@1, key [0-9a-f]{12}\) on GPU 3 \(NVIDIA H100\)/);
  });

  it('seeds: an instance keeps its seed across runs; instances get different seeds', async () => {
    const graph = compile(PIPELINE('seed').replace('name: pipeline', 'name: pipeline\nseed: 7'));
    await run(await newWorkspace(), graph);
    const first = new Map([...seeds].filter(([key]) => key.startsWith('seed/')));
    seeds.clear();
    await run(await newWorkspace(), graph, { force: 'all' });
    const second = new Map([...seeds].filter(([key]) => key.startsWith('seed/')));
    assert.deepEqual(second, first);
    assert.equal(first.get('seed/sum[a=1]'), deriveSeed(7, 'sum[a=1]'));
    assert.notEqual(first.get('seed/sum[a=1]'), first.get('seed/sum[a=2]'));
  });

  it('cancelling the run stops the running instance and cancels the rest', async () => {
    const workspace = await newWorkspace();
    const graph = compile(['name: cancel', 'steps:', '  wait: { uses: toy/slow, with: { tag: cancel, ms: 10000 } }', '  child: { uses: toy/add, needs: wait, with: { tag: cancel-child, a: 1 } }', ''].join('\n'));
    const controller = new AbortController();
    const started = Date.now();
    const running = run(workspace, graph, { signal: controller.signal, observers: [{ instanceStarted: () => controller.abort() }] });
    const result = await running;
    assert.ok(Date.now() - started < 5_000);
    assert.equal(result.status, 'cancelled');
    assert.deepEqual(statuses(result), { wait: 'cancelled', child: 'cancelled' });
    assert.equal(outcome(result, 'wait').tolerated, false);
    assert.equal(count('cancel-child'), 0);
  });
});

const planOf = async (workspace: Workspace, graph: WorkflowGraph, name: string): Promise<PlannedInstance> => {
  const planned = await planWorkflow(graph, { env: {}, objects: workspace.objects, records: workspace.records, markers: workspace.markers, previous: new Map() }, {});
  const found = planned.find((item) => item.name === name);
  assert.ok(found, `no plan entry for ${name}`);
  return found;
};

describe('what a run leaves behind', () => {
  it('a clean failure is planned as "failed in run …" with its error, a cancelled instance as interrupted', async () => {
    const workspace = await newWorkspace();
    const graph = compile(['name: fails', 'steps:', '  bad: { uses: toy/flaky, with: { tag: plan-failed, failures: 9 } }', ''].join('\n'));
    const failed = await run(workspace, graph);
    assert.equal(outcome(failed, 'bad').status, 'failed');
    const planned = await planOf(workspace, graph, 'bad');
    assert.deepEqual(planned.reason, { kind: 'failed', runId: failed.runId, error: 'flaky failure 1' });
    assert.equal(describeReason(planned.reason), `failed in run ${failed.runId}: flaky failure 1`);
    assert.ok(planned.runs);

    const slowGraph = compile(['name: cancelled', 'steps:', '  wait: { uses: toy/slow, with: { tag: plan-cancelled, ms: 10000 } }', ''].join('\n'));
    const controller = new AbortController();
    const cancelled = await run(workspace, slowGraph, { signal: controller.signal, observers: [{ instanceStarted: () => controller.abort() }] });
    assert.equal(outcome(cancelled, 'wait').status, 'cancelled');
    assert.deepEqual((await planOf(workspace, slowGraph, 'wait')).reason, { kind: 'incomplete', runId: cancelled.runId });
  });

  it('a run that serves an instance from the cache removes its stale lock, incomplete marker and take-over leftovers; live locks stay', async () => {
    const workspace = await newWorkspace();
    const graph = compile(PIPELINE('leftovers'));
    const first = await run(workspace, graph);
    const key = outcome(first, 'sum[a=1]').key!;
    // What a kill -9 between writing the record and cleaning up leaves, with a take-over interrupted too.
    const stale = JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), createdAt: new Date().toISOString(), token: 'dead' });
    const lockPath = workspace.layout.instanceLockPath(key);
    await writeFile(lockPath, stale);
    await writeFile(`${lockPath}.stale.${2 ** 22 + 1}.0123456789ab`, stale);
    await workspace.markers.markIncomplete(key, { runId: 'killed', name: 'sum[a=1]', pid: 2 ** 22 + 1, host: hostname(), startedAt: new Date().toISOString() });
    const otherKey = 'f'.repeat(64);
    const live = await acquireLock(workspace.layout.instanceLockPath(otherKey), { wait: false });
    assert.ok(live);

    const second = await run(workspace, graph);
    assert.ok(second.outcomes.every((item) => item.status === 'cached'));
    assert.deepEqual(await readdir(workspace.layout.incomplete), []);
    assert.deepEqual(await readdir(workspace.layout.instanceLocks), [`${otherKey}.lock`]);
    await live();
  });

  it("a killed run's scratch folders and a finished key's checkpoints are removed; those a lock or a cluster job still owns stay", async () => {
    const workspace = await newWorkspace();
    const graph = compile(PIPELINE('scratch'));
    const first = await run(workspace, graph);
    const done = outcome(first, 'sum[a=1]').key!;
    const [locked, clustered] = ['a'.repeat(64), 'b'.repeat(64)];
    const killed = join(workspace.layout.tmp, 'killed-run');
    const scratch = (key: string): string => join(killed, `instance-${key}-Ab12Cd`);
    for (const key of [done, locked, clustered]) await mkdir(join(scratch(key), 'attempt-1'), { recursive: true });
    await mkdir(join(killed, 'array-Xy34Zw'));
    const gone = join(workspace.layout.tmp, 'finished-run');
    await mkdir(join(gone, 'array-Qr56St'), { recursive: true });
    await mkdir(workspace.layout.checkpointDir(done), { recursive: true });
    await mkdir(workspace.layout.checkpointDir(locked), { recursive: true });
    const live = await acquireLock(workspace.layout.instanceLockPath(locked), { wait: false });
    assert.ok(live);
    await new JobRecords(workspace.layout.jobs).write({ executor: 'slurm', jobId: '42', submission: 'c0ffee', key: clustered, instance: 'x', runId: 'killed-run', submittedBy: 'killed-run', attempt: 1, attemptDir: join(scratch(clustered), 'attempt-1'), submittedAt: new Date().toISOString() });

    const second = await run(workspace, graph);
    assert.ok(second.outcomes.every((item) => item.status === 'cached'));
    assert.deepEqual((await readdir(killed)).sort(), ['array-Xy34Zw', `instance-${locked}-Ab12Cd`, `instance-${clustered}-Ab12Cd`].sort());
    assert.equal(existsSync(gone), false, 'an array folder with no instance folder beside it goes, and its run folder with it');
    assert.deepEqual(await readdir(workspace.layout.checkpoints), [locked]);
    // The run's own (emptied) scratch root goes too.
    assert.deepEqual((await readdir(workspace.layout.tmp, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name), ['killed-run']);
    await live();
  });

  it('a lock from another host with a stopped heartbeat is taken over after lockTimeoutMs, saying whom it waited for', async () => {
    const workspace = await newWorkspace();
    const graph = compile(['name: foreign', 'steps:', '  one: { uses: toy/add, with: { tag: foreign, a: 1 } }', ''].join('\n'));
    const key = (await planOf(workspace, graph, 'one')).key!;
    await workspace.layout.ensure();
    await writeFile(workspace.layout.instanceLockPath(key), JSON.stringify({ pid: 77, host: 'gone-container', createdAt: '2026-01-02T03:04:05.000Z', token: 'old', label: 'run before-the-crash' }));
    const lines: string[] = [];
    const result = await run(workspace, graph, { lockTimeoutMs: 300, observers: [{ instanceLog: (name, level, line) => lines.push(`${level} ${name} ${line}`) }] });
    assert.equal(outcome(result, 'one').status, 'succeeded');
    assert.equal(count('foreign'), 1);
    assert.match(lines.join('\n'), /^warn one waiting for the lock on one \(key [0-9a-f]{12}\): held by run before-the-crash \(pid 77 on host gone-container since 2026-01-02T03:04:05\.000Z\); its last heartbeat was .* ago, taken over in .* unless it resumes \(--lock-timeout\)$/m);
    assert.match(lines.join('\n'), /^warn one took over the lock on one \(key [0-9a-f]{12}\) from run before-the-crash \(pid 77 on host gone-container since 2026-01-02T03:04:05\.000Z\): no heartbeat from host gone-container for 0\.[0-9]s \(the lock timeout is 0\.3s\)$/m);
  });
});
