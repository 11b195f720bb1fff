import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countBy, readResults, runCli, statusesOf, workspace } from '../support/cli.js';

const SWEEP = `
name: sweep
seed: 3
params:
  base: [1, 2, 3]
  factors: [1, 2, 3]
steps:
  base:
    uses: core/sum
    with: { values: \${{ params.base }} }
  scaled:
    uses: core/sum
    matrix: { f: \${{ params.factors }} }
    with: { values: [\${{ steps.base.outputs.total }}, \${{ matrix.f }}] }
  offset:
    uses: core/sum
    matrix: { o: [10, 20] }
    with: { values: [\${{ steps.scaled.outputs.total }}, \${{ matrix.o }}] }
  all:
    uses: core/echo
    with: { message: "\${{ len(steps.offset.instances) }} totals", value: \${{ steps.offset.instances }} }
`;

describe('caching and partial re-runs', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({ 'sweep.yaml': SWEEP })));
  after(() => dispose());

  it('runs every instance the first time, with the values the workflow implies', async () => {
    const run = await runCli(['run', 'sweep.yaml'], dir);
    assert.equal(run.code, 0, run.stderr);
    const results = await readResults(dir, 'sweep');
    assert.deepEqual(countBy(results), { succeeded: 11 });
    const totals = Object.fromEntries(results.instances.map((i) => [i.name, i.values.total]));
    assert.equal(totals['scaled[f=2]'], 8);
    assert.equal(totals['offset[f=3,o=20]'], 29);
    assert.equal(results.instances.find((i) => i.name === 'all')!.values.message, '6 totals');
    // The end of the run: a table per step, the matrix axes as columns, the status said once in the heading.
    assert.match(run.stdout, /\noffset \(core\/sum\): 6 instances, 6 succeeded\n {2}f {3}o {2}total\s+time\n/);
    assert.match(run.stdout, /\n {2}3 {2}20 {5}29 /);
    assert.match(run.stdout, /\nall \(core\/echo\): succeeded in \S+\n {2}message=6 totals\n/);
  });

  it('--wide ends with every instance and every column in one table', async () => {
    const run = await runCli(['run', 'sweep.yaml', '--wide'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\ninstance\s+status\s+time\s+total\s+message\n/);
    assert.match(run.stdout, /\noffset\[f=3,o=20\]\s+cached\s+29\n/);
  });

  it('executes nothing when nothing changed', async () => {
    const run = await runCli(['run', 'sweep.yaml'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(countBy(await readResults(dir, 'sweep')), { cached: 11 });
  });

  it('plans a parameter change as exactly the affected instances, with the reason', async () => {
    const plan = await runCli(['plan', 'sweep.yaml', '--set', 'factors=[1,2,4]', '--json'], dir);
    assert.equal(plan.code, 0, plan.stderr);
    const planned = JSON.parse(plan.stdout) as { name: string; runs: boolean; reason: { kind: string } }[];
    const running = planned.filter((p) => p.runs).map((p) => `${p.name}:${p.reason.kind}`);
    assert.deepEqual(running.sort(), ['all:upstream-runs', 'offset[f=4,o=10]:upstream-runs', 'offset[f=4,o=20]:upstream-runs', 'scaled[f=4]:new'].sort());
  });

  it('re-runs exactly the affected downstream instances after --set', async () => {
    const run = await runCli(['run', 'sweep.yaml', '--set', 'factors=[1,2,4]'], dir);
    assert.equal(run.code, 0, run.stderr);
    const statuses = statusesOf(await readResults(dir, 'sweep'));
    assert.deepEqual(
      Object.entries(statuses).filter(([, s]) => s === 'succeeded').map(([n]) => n).sort(),
      ['all', 'offset[f=4,o=10]', 'offset[f=4,o=20]', 'scaled[f=4]'],
    );
    assert.equal(Object.values(statuses).filter((s) => s === 'cached').length, 7);
  });

  it('explains a changed param of a step that has run before', async () => {
    const plan = await runCli(['plan', 'sweep.yaml', '--set', 'base=[1,2,4]'], dir);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /^base\s+run\s+params changed: values \[1,2,3\] → \[1,2,4\]$/m);
    assert.match(plan.stdout, /^scaled\[f=1\]\s+run\s+upstream will run: base$/m);
  });

  it('--force STEP recomputes that step; identical outputs keep its dependents cached', async () => {
    const run = await runCli(['run', 'sweep.yaml', '--force', 'scaled'], dir);
    assert.equal(run.code, 0, run.stderr);
    const statuses = statusesOf(await readResults(dir, 'sweep'));
    assert.deepEqual(Object.entries(statuses).filter(([, s]) => s === 'succeeded').map(([n]) => n).sort(), ['scaled[f=1]', 'scaled[f=2]', 'scaled[f=3]']);
  });

  it('--only STEP runs that step and its upstream only', async () => {
    const run = await runCli(['run', 'sweep.yaml', '--only', 'scaled', '--set', 'base=[5]'], dir);
    assert.equal(run.code, 0, run.stderr);
    const results = await readResults(dir, 'sweep');
    assert.deepEqual(results.instances.map((i) => i.name).sort(), ['base', 'scaled[f=1]', 'scaled[f=2]', 'scaled[f=3]']);
    assert.deepEqual(countBy(results), { succeeded: 4 });
  });

  it('--dry-run shows the plan and executes nothing', async () => {
    const run = await runCli(['run', 'sweep.yaml', '--dry-run', '--set', 'base=[6]'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /11 instances: 11 to run, 0 cached, 0 skipped/);
    const again = await runCli(['plan', 'sweep.yaml', '--set', 'base=[6]', '--json'], dir);
    assert.equal((JSON.parse(again.stdout) as { runs: boolean }[]).filter((p) => p.runs).length, 11);
  });
});
