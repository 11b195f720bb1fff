import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, workspace } from '../support/cli.js';

// Totals are factor + 3 + offset: --set offset moves every scaled total by a known amount.
const WORKFLOW = `name: drift
params: { factors: [1, 2, 3], offset: 0 }
steps:
  base: { uses: core/sum, with: { values: [1, 2] } }
  scaled:
    uses: core/sum
    matrix: { factor: \${{ params.factors }} }
    with: { values: ["\${{ steps.base.outputs.total }}", "\${{ matrix.factor }}", "\${{ params.offset }}"] }
expect:
  base-total:
    that: \${{ steps.base.outputs.total == 3 }}
`;

const RESULTS = join('.veriflow', 'workflows', 'drift', 'results.json');

describe('veriflow check --against', () => {
  let ws: { dir: string; dispose: () => Promise<void> };
  const run = async (...sets: string[]): Promise<void> => {
    const done = await runCli(['run', 'wf.yaml', ...sets.flatMap((set) => ['--set', set])], ws.dir);
    assert.equal(done.code, 0, done.stdout + done.stderr);
  };
  const check = (...args: string[]) => runCli(['check', RESULTS, ...args], ws.dir);

  before(async () => {
    ws = await workspace({ 'wf.yaml': WORKFLOW });
    await run();
    await copyFile(join(ws.dir, RESULTS), join(ws.dir, 'baseline.json'));
  });
  after(() => ws.dispose());

  it('exits 0 when nothing moved, saying how many numbers it compared', async () => {
    const same = await check('--against', 'baseline.json');
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.match(same.stdout, /expectations: 1 held\n/);
    assert.match(same.stdout, /against baseline\.json \(rel-tol 0\.000001, abs-tol 1e-9\): 0 moved, 0 appeared, 0 disappeared, (\d+) unchanged\n/);
  });

  it('exits 3 when a real re-run moves numbers past the tolerance, listing baseline → now, delta and relative delta', async () => {
    await run('offset=0.001');
    const moved = await check('--against', 'baseline.json');
    assert.equal(moved.code, 3, moved.stdout + moved.stderr);
    assert.match(moved.stdout, /: 6 moved, 0 appeared, 0 disappeared/);
    assert.match(moved.stdout, /scaled\[factor=1\]\s+outputs\.total\s+4\s+4\.001\s+\+0\.001\s+\+0\.025%/);
    assert.match(moved.stdout, /scaled\[factor=3\]\s+outputs\.total\s+6\s+6\.001\s+\+0\.001\s+\+0\.0167%/);
    assert.match(moved.stdout, /scaled\[factor=1\]\s+metrics\.total\s+4\s+4\.001/);
    assert.doesNotMatch(moved.stdout, /base\s+outputs\.total/);
    const wider = await check('--against', 'baseline.json', '--rel-tol', '0.001');
    assert.equal(wider.code, 0, wider.stdout + wider.stderr);
    const absolute = await check('--against', 'baseline.json', '--rel-tol', '0', '--abs-tol', '0.002');
    assert.equal(absolute.code, 0, absolute.stdout + absolute.stderr);
  });

  it('reports instances that appeared and disappeared without calling them a regression', async () => {
    await run('factors=[1,3,4]');
    const changed = await check('--against', 'baseline.json');
    assert.equal(changed.code, 0, changed.stdout + changed.stderr);
    assert.match(changed.stdout, /: 0 moved, 1 appeared, 1 disappeared/);
    assert.match(changed.stdout, /appeared:\n\s+scaled\[factor=4\] \(the whole instance\)\n\s+disappeared:\n\s+scaled\[factor=2\] \(the whole instance\)/);
  });

  it('compares with a hand-edited baseline, a run id from the run store, and writes both to JUnit and --json', async () => {
    await run();
    const edited = JSON.parse(await readFile(join(ws.dir, 'baseline.json'), 'utf8'));
    const scaled2 = edited.instances.find((instance: { name: string }) => instance.name === 'scaled[factor=2]');
    scaled2.values.total = 4.5;
    scaled2.values.extra = 1;
    await writeFile(join(ws.dir, 'edited.json'), JSON.stringify(edited));

    const junit = await check('--against', 'edited.json', '--junit', 'report.xml');
    assert.equal(junit.code, 3, junit.stdout + junit.stderr);
    assert.match(junit.stdout, /scaled\[factor=2\]\s+outputs\.total\s+4\.5\s+5\s+\+0\.5\s+\+11\.1%/);
    assert.match(junit.stdout, /disappeared:\n\s+scaled\[factor=2\] outputs\.extra = 1/);
    const xml = await readFile(join(ws.dir, 'report.xml'), 'utf8');
    assert.match(xml, /<testsuites name="veriflow" tests="5" failures="1" errors="0" skipped="0">/);
    assert.match(xml, /<testsuite name="veriflow\.drift\.against-baseline" tests="4" failures="1"/);
    assert.match(xml, /name="scaled\[factor=2\]" time="0">\n\s+<failure type="moved" message="moved against edited\.json: outputs\.total">outputs\.total: 4\.5 → 5 \(\+0\.5, \+11\.1%\)<\/failure>\n\s+<system-out>disappeared: outputs\.extra = 1<\/system-out>/);
    assert.match(xml, /name="scaled\[factor=1\]" time="0">\n\s+<\/testcase>/);

    const json = JSON.parse((await check('--against', 'edited.json', '--json')).stdout);
    assert.equal(json.regression, true);
    assert.deepEqual(json.against.moved, [{ instance: 'scaled[factor=2]', label: 'outputs.total', baseline: 4.5, now: 5, delta: 0.5, relative: 0.5 / 4.5 }]);
    assert.deepEqual(json.against.disappeared, [{ instance: 'scaled[factor=2]', label: 'outputs.extra', value: 1 }]);

    const runs = JSON.parse((await runCli(['runs', '--json'], ws.dir)).stdout) as { id: string }[];
    const first = runs.at(-1)!.id;
    const fromStore = await check('--against', first);
    assert.equal(fromStore.code, 0, fromStore.stdout + fromStore.stderr);
    assert.match(fromStore.stdout, new RegExp(`against run ${first} .*: 0 moved, 0 appeared, 0 disappeared`));
  });

  it('refuses an unreadable baseline, naming its path, and tolerances without a baseline (exit 2)', async () => {
    await writeFile(join(ws.dir, 'broken.json'), '{"workflow": "drift"');
    const missing = await check('--against', 'missing.json');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /the baseline \(--against\): cannot read missing\.json: ENOENT/);
    const broken = await check('--against', 'broken.json');
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /the baseline \(--against\): broken\.json is not JSON/);
    const noBaseline = await check('--rel-tol', '0.1');
    assert.equal(noBaseline.code, 2);
    assert.match(noBaseline.stderr, /--rel-tol and --abs-tol set how far numbers may move from a baseline; give the baseline with --against/);
  });
});
