import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { countBy, readResults, runCli, statusesOf, workspace } from '../support/cli.js';

const SWEEP = `
name: presets
params:
  base: [1, 2]
  factors: [1, 2, 3]
presets:
  small:
    description: one factor, for a quick look
    params: { factors: [5] }
  wide:
    params: { base: [10], factors: [1, 2, 3, 4] }
steps:
  base:
    uses: core/sum
    with: { values: \${{ params.base }} }
  scaled:
    uses: core/sum
    matrix: { f: \${{ params.factors }} }
    with: { values: [\${{ steps.base.outputs.total }}, \${{ matrix.f }}] }
`;

// A preset that the load-time checks accept (base stays a list), but whose value core/sum refuses:
// only building the graph with it finds that.
const BROKEN = `
name: broken
params: { base: [1, 2] }
presets:
  fine: { params: { base: [3] } }
  strings: { params: { base: ["a"] } }
steps:
  base:
    uses: core/sum
    with: { values: \${{ params.base }} }
`;

type Planned = { name: string; runs: boolean; reason: { kind: string } };
type Results = Awaited<ReturnType<typeof readResults>> & { runId: string; preset: string | null; overrides: string[] };
const results = async (dir: string): Promise<Results> => (await readResults(dir, 'presets')) as Results;

describe('presets through the CLI', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({ 'sweep.yaml': SWEEP, 'broken.yaml': BROKEN })));
  after(() => dispose());

  it('--preset changes the values the steps see, and is recorded with the run', async () => {
    const run = await runCli(['run', 'sweep.yaml', '--preset', 'small'], dir);
    assert.equal(run.code, 0, run.stderr);
    const first = await results(dir);
    assert.deepEqual(statusesOf(first), { base: 'succeeded', 'scaled[f=5]': 'succeeded' });
    assert.equal(first.instances.find((i) => i.name === 'scaled[f=5]')!.values.total, 8);
    assert.equal(first.preset, 'small');
    assert.deepEqual(first.overrides, []);

    const show = await runCli(['runs', 'show', first.runId, '--json'], dir);
    assert.equal(show.code, 0, show.stderr);
    assert.equal((JSON.parse(show.stdout) as { run: { preset: string } }).run.preset, 'small');
    const text = await runCli(['runs', 'show', first.runId], dir);
    assert.match(text.stdout, /^preset\s+small$/m);
  });

  it('the same values through --set hit the same cache entries', async () => {
    const first = await results(dir);
    const plan = await runCli(['plan', 'sweep.yaml', '--set', 'factors=[5]', '--json'], dir);
    assert.equal(plan.code, 0, plan.stderr);
    assert.deepEqual((JSON.parse(plan.stdout) as Planned[]).map((p) => `${p.name}:${p.reason.kind}`), ['base:cached', 'scaled[f=5]:cached']);

    const run = await runCli(['run', 'sweep.yaml', '--set', 'factors=[5]'], dir);
    assert.equal(run.code, 0, run.stderr);
    const second = await results(dir);
    assert.deepEqual(countBy(second), { cached: 2 });
    assert.deepEqual(
      second.instances.map((i) => [i.name, i.key]),
      first.instances.map((i) => [i.name, i.key]),
    );
    assert.equal(second.preset, null);
    assert.deepEqual(second.overrides, ['factors=[5]']);
  });

  it('--set applies after the preset', async () => {
    const plan = await runCli(['plan', 'sweep.yaml', '--preset', 'wide', '--set', 'factors=[5]', '--json'], dir);
    assert.equal(plan.code, 0, plan.stderr);
    // base comes from the preset ([10]), factors from --set: scaled[f=5] reads a new base, so it runs again.
    assert.deepEqual((JSON.parse(plan.stdout) as Planned[]).map((p) => `${p.name}:${p.runs ? 'run' : 'cached'}`), ['base:run', 'scaled[f=5]:run']);
    const graph = await runCli(['graph', 'sweep.yaml', '--preset', 'wide'], dir);
    assert.equal(graph.code, 0, graph.stderr);
    assert.match(graph.stdout, /scaled\[f=4\]/);
  });

  it('an unknown --preset exits 2, listing the presets, and runs nothing', async () => {
    for (const command of ['run', 'plan', 'validate', 'graph']) {
      const result = await runCli([command, 'sweep.yaml', '--preset', 'wid'], dir);
      assert.equal(result.code, 2, `${command}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^--preset wid:1:1: "wid" is not a preset of sweep\.yaml\. Expected one of small, wide\. Did you mean "wide"\? \[UNKNOWN_PRESET\]$/m);
      assert.match(result.stderr, /1 problem\(s\) found; nothing was run\./);
    }
  });

  it('--preset may be given only once', async () => {
    const result = await runCli(['run', 'sweep.yaml', '--preset', 'small', '--preset', 'wide'], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--preset can be given once, got "small", "wide"/);
  });

  it('validate checks the defaults and every preset', async () => {
    const good = await runCli(['validate', 'sweep.yaml'], dir);
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.stdout, '✓ sweep.yaml: 2 steps, 4 instances, no problems found\n  preset small: 2 instances, no problems found\n  preset wide: 5 instances, no problems found\n');

    const broken = await runCli(['validate', 'broken.yaml'], dir);
    assert.equal(broken.code, 2, broken.stdout);
    assert.match(broken.stderr, /^broken\.yaml:\d+:\d+: with preset "strings": expected a number for "values\[0\]" in core\/sum input, found string "a"\..* \[WITH_SCHEMA\]$/m);
    assert.match(broken.stderr, /1 problem\(s\) found; nothing was run\./);
    // With a preset chosen, only that one is checked; nothing runs either way.
    const chosen = await runCli(['validate', 'broken.yaml', '--preset', 'fine'], dir);
    assert.equal(chosen.code, 0, chosen.stderr);
    assert.equal(chosen.stdout, '✓ broken.yaml with preset fine: 1 steps, 1 instances, no problems found\n');
    assert.equal(existsSync(join(dir, '.veriflow', 'workflows', 'broken')), false);
  });

  it('--help documents --preset', async () => {
    const help = await runCli(['--help'], dir);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /veriflow run <workflow\.yaml> \[--preset NAME\]/);
    assert.match(help.stdout, /--preset NAME/);
  });
});
