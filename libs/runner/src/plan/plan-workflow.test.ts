import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { defineStep, StepRegistry } from '@veriflow/step-api';
import { compileWorkflow, loadWorkflow } from '@veriflow/workflow';
import type { WorkflowGraph } from '@veriflow/workflow';
import type { KeyEntry } from '../cache/key-entry.js';
import { catalogOf, planWorkflow, runWorkflow, Workspace } from '../index.js';
import type { PlannedInstance, RunResult, Selection } from '../index.js';

const add = defineStep({
  name: 'toy/add',
  version: '1',
  description: 'a + b',
  with: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number', default: 0 } }, required: ['a'], additionalProperties: false },
  outputs: { total: { kind: 'number' } },
}).run(async (ctx) => ({ total: ctx.with.a + (ctx.with.b ?? 0) }));

const save = defineStep({
  name: 'toy/save',
  version: '1',
  description: 'writes its input as a JSON artifact',
  with: { type: 'object', properties: { total: { type: 'number' } }, required: ['total'], additionalProperties: false },
  outputs: { saved: { kind: 'artifact' } },
}).run(async (ctx) => {
  await ctx.writeJson('saved', { total: ctx.with.total });
  return {};
});

const registry = new StepRegistry();
registry.register([add, save], 'plan-workflow.test');

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
const newWorkspace = async (): Promise<Workspace> => {
  const dir = await mkdtemp(join(tmpdir(), 'veriflow-plan-'));
  dirs.push(dir);
  return new Workspace(dir);
};

const workflow = (a: number): WorkflowGraph =>
  compileWorkflow(
    loadWorkflow(
      [
        'name: planned',
        'params: { go: true }',
        'steps:',
        '  sum:',
        `    with: { a: ${a}, b: 1 }`,
        '    uses: toy/add',
        '  save:',
        '    uses: toy/save',
        '    with: { total: "${{ steps.sum.outputs.total }}" }',
        '  other:',
        '    uses: toy/add',
        '    if: "${{ params.go }}"',
        '    with: { a: 100 }',
        '',
      ].join('\n'),
      'wf.yaml',
    ),
    catalogOf(registry),
    { workflowDir: '/w', env: {} },
  );

function compileText(lines: readonly string[]): WorkflowGraph {
  return compileWorkflow(loadWorkflow([...lines, ''].join('\n'), 'wf.yaml'), catalogOf(registry), { workflowDir: '/w', env: {} });
}

function plan(workspace: Workspace, graph: WorkflowGraph, selection: Selection = {}, previous: ReadonlyMap<string, KeyEntry> = new Map()): Promise<PlannedInstance[]> {
  return planWorkflow(graph, { env: {}, objects: workspace.objects, records: workspace.records, markers: workspace.markers, previous }, selection);
}
let runs = 0;
function run(workspace: Workspace, graph: WorkflowGraph): Promise<RunResult> {
  return runWorkflow({ workspace, graph, workflowDir: '/w', registry, runId: `plan-${++runs}`, capacity: { jobs: 2, cpus: 4, gpus: 0 }, keepGoing: false, selection: {}, env: {}, previous: new Map(), signal: new AbortController().signal, observers: [] });
}
const reasons = (planned: readonly PlannedInstance[]): Record<string, string> => Object.fromEntries(planned.map((item) => [item.name, `${item.runs ? 'runs' : 'idle'} ${item.reason.kind}`]));
const entry = (planned: readonly PlannedInstance[], name: string): PlannedInstance => {
  const found = planned.find((item) => item.name === name);
  assert.ok(found, `no plan entry for ${name}`);
  return found;
};

describe('planWorkflow', () => {
  it('on an empty workspace: roots are new, their dependents run because the upstream runs', async () => {
    const planned = await plan(await newWorkspace(), workflow(1));
    assert.deepEqual(reasons(planned), { sum: 'runs new', save: 'runs upstream-runs', other: 'runs new' });
    assert.deepEqual(entry(planned, 'save').reason, { kind: 'upstream-runs', upstream: ['sum'] });
    assert.match(entry(planned, 'sum').key ?? '', /^[0-9a-f]{64}$/);
    // A dependent of a running instance cannot know its key yet.
    assert.equal(entry(planned, 'save').key, undefined);
    assert.deepEqual(entry(planned, 'sum'), { name: 'sum', step: 'sum', uses: 'toy/add', matrix: {}, reason: { kind: 'new' }, runs: true, resources: { cpus: 1, gpu: 0, memoryMb: undefined }, key: entry(planned, 'sum').key });
  });

  it('the plan’s keys are the keys the run uses, and after the run everything is cached', async () => {
    const workspace = await newWorkspace();
    const graph = workflow(1);
    const before = await plan(workspace, graph);
    const result = await run(workspace, graph);
    assert.equal(result.outcomes.find((item) => item.name === 'sum')?.key, entry(before, 'sum').key);
    const planned = await plan(workspace, graph);
    assert.deepEqual(reasons(planned), { sum: 'idle cached', save: 'idle cached', other: 'idle cached' });
    assert.equal(entry(planned, 'save').key, result.outcomes.find((item) => item.name === 'save')?.key);
  });

  it('--force names steps to rerun; their dependents then run because of them', async () => {
    const workspace = await newWorkspace();
    const graph = workflow(1);
    await run(workspace, graph);
    assert.deepEqual(reasons(await plan(workspace, graph, { force: new Set(['sum']) })), { sum: 'runs forced', save: 'runs upstream-runs', other: 'idle cached' });
    assert.deepEqual(reasons(await plan(workspace, graph, { force: new Set(['save']) })), { sum: 'idle cached', save: 'runs forced', other: 'idle cached' });
    assert.deepEqual(reasons(await plan(workspace, graph, { force: 'all' })), { sum: 'runs forced', save: 'runs forced', other: 'runs forced' });
  });

  it('--only plans the selected steps and their upstream only', async () => {
    const planned = await plan(await newWorkspace(), workflow(1), { only: ['save'] });
    assert.deepEqual(
      planned.map((item) => item.name),
      ['sum', 'save'],
    );
  });

  it('says which params changed, given the entries of the previous run', async () => {
    const workspace = await newWorkspace();
    const result = await run(workspace, workflow(1));
    const previous = new Map([...result.lockEntries].map(([name, lock]) => [name, lock.entry]));
    const planned = await plan(workspace, workflow(5), {}, previous);
    assert.deepEqual(entry(planned, 'sum').reason, { kind: 'params-changed', changes: [{ path: 'a', before: 1, after: 5 }] });
    assert.deepEqual(reasons(planned), { sum: 'runs params-changed', save: 'runs upstream-runs', other: 'idle cached' });
    // Without the previous entries the same change is only "not cached".
    assert.equal(entry(await plan(workspace, workflow(5)), 'sum').reason.kind, 'new');
  });

  it('an instance with an incomplete marker was interrupted in that run', async () => {
    const workspace = await newWorkspace();
    const graph = workflow(1);
    const key = entry(await plan(workspace, graph), 'sum').key!;
    await workspace.markers.markIncomplete(key, { runId: 'run-interrupted', name: 'sum', pid: 1, host: hostname(), startedAt: new Date().toISOString() });
    const planned = await plan(workspace, graph);
    assert.deepEqual(entry(planned, 'sum').reason, { kind: 'incomplete', runId: 'run-interrupted' });
    assert.ok(entry(planned, 'sum').runs);
  });

  it('a record whose artifact is gone from the store reruns as outputs-missing', async () => {
    const workspace = await newWorkspace();
    const graph = workflow(1);
    const result = await run(workspace, graph);
    const record = await workspace.records.read(result.outcomes.find((item) => item.name === 'save')!.key!);
    const saved = record?.outputs.saved;
    assert.ok(saved?.kind === 'artifact');
    await unlink(workspace.objects.pathOf(saved.digest));
    const planned = await plan(workspace, graph);
    assert.equal(entry(planned, 'save').reason.kind, 'outputs-missing');
    assert.equal(entry(planned, 'sum').reason.kind, 'cached');
  });

  it('a false condition is idle, and so is everything downstream of it', async () => {
    const gated = compileText([
      'name: gated',
      'params: { go: false }',
      'steps:',
      '  other: { uses: toy/add, if: "${{ params.go }}", with: { a: 1 } }',
      '  after: { uses: toy/add, with: { a: "${{ steps.other.outputs.total }}" } }',
    ]);
    const planned = await plan(await newWorkspace(), gated);
    assert.deepEqual(reasons(planned), { other: 'idle condition-false', after: 'idle upstream-skipped' });
    assert.deepEqual(entry(planned, 'after').reason, { kind: 'upstream-skipped', upstream: ['other'] });
  });

  it('a condition over params and matrix values is decided before the upstream instances run', async () => {
    const gated = compileText([
      'name: gated-late',
      'steps:',
      '  first: { uses: toy/add, with: { a: 1 } }',
      '  fit: { uses: toy/add, matrix: { n: [1, 2] }, if: "${{ matrix.n == 1 }}", with: { a: "${{ steps.first.outputs.total }}" } }',
      '  score: { uses: toy/add, with: { a: "${{ steps.fit.outputs.total }}" } }',
      '  all: { uses: toy/add, with: { a: "${{ len(steps.fit.instances) }}" } }',
    ]);
    const planned = await plan(await newWorkspace(), gated);
    assert.deepEqual(reasons(planned), { first: 'runs new', 'fit[n=1]': 'runs upstream-runs', 'fit[n=2]': 'idle condition-false', 'score[n=1]': 'runs upstream-runs', 'score[n=2]': 'idle upstream-skipped', all: 'runs upstream-runs' });
  });
});
