import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readResults, runCli, statusesOf, workspace } from '../support/cli.js';

/**
 * The shape of a workflow with an optional expensive path: `llm` runs only with params.llm, `embedded`
 * only without, and `pick` reads whichever ran. Before branch-aware dependencies `pick` was skipped
 * whenever `llm` was, though it never reads it then.
 */
const WORKFLOW = `
name: branches
params: { llm: false }
steps:
  llm:
    uses: core/echo
    if: \${{ params.llm }}
    with: { message: llm, value: 2 }
  embedded:
    uses: core/echo
    if: \${{ !params.llm }}
    with: { message: embedded, value: 1 }
  pick:
    uses: core/echo
    with:
      message: picked
      value: \${{ params.llm ? steps.llm.outputs.value : steps.embedded.outputs.value }}
  per_device:
    uses: core/echo
    matrix: { device: [cpu, gpu] }
    with:
      message: \${{ matrix.device }}
      value: \${{ matrix.device == 'gpu' && params.llm ? steps.llm.outputs.value : 0 }}
`;

describe('a reader of a step in a branch not taken', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({ 'wf.yaml': WORKFLOW })));
  after(() => dispose());

  it('plan and graph say which dependency the untaken branch removed', async () => {
    const plan = await runCli(['plan', 'wf.yaml'], dir);
    assert.equal(plan.code, 0, plan.stderr);
    const said = [
      'untaken branches (known before the run, so no dependency and no skip):',
      '  pick does not depend on llm: it reads steps.llm only in a branch not taken (params.llm is false)',
      "  per_device does not depend on llm: it reads steps.llm only in a branch not taken (matrix.device == 'gpu' && params.llm is false)",
    ].join('\n');
    assert.ok(plan.stdout.startsWith(said), plan.stdout);
    assert.match(plan.stdout, /^pick\s+run\s+upstream will run: embedded$/m);
    const graph = await runCli(['graph', 'wf.yaml'], dir);
    assert.equal(graph.code, 0, graph.stderr);
    assert.ok(graph.stdout.startsWith(said), graph.stdout);
    assert.match(graph.stdout, /^pick {2}core\/echo {2}×1 {2}← embedded$/m);
  });

  it('runs while the step it does not read is skipped, and reads the branch taken', async () => {
    const result = await runCli(['run', 'wf.yaml'], dir);
    assert.equal(result.code, 0, result.stderr);
    const results = await readResults(dir, 'branches');
    assert.deepEqual(statusesOf(results), { llm: 'skipped', embedded: 'succeeded', pick: 'succeeded', 'per_device[device=cpu]': 'succeeded', 'per_device[device=gpu]': 'succeeded' });
    assert.equal(results.instances.find((instance) => instance.name === 'pick')!.values.value, 1);
  });

  it('with the other branch taken, depends on the other step and says so', async () => {
    const result = await runCli(['run', 'wf.yaml', '--set', 'llm=true'], dir);
    assert.equal(result.code, 0, result.stderr);
    const results = await readResults(dir, 'branches');
    assert.deepEqual(statusesOf(results), { llm: 'succeeded', embedded: 'skipped', pick: 'succeeded', 'per_device[device=cpu]': 'cached', 'per_device[device=gpu]': 'succeeded' });
    assert.equal(results.instances.find((instance) => instance.name === 'pick')!.values.value, 2);
    assert.equal(results.instances.find((instance) => instance.name === 'per_device[device=gpu]')!.values.value, 2);
    const graph = await runCli(['graph', 'wf.yaml', '--set', 'llm=true'], dir);
    assert.match(graph.stdout, /^ {2}per_device\[device=cpu\] does not depend on llm: it reads steps\.llm only in a branch not taken \(matrix\.device == 'gpu' && params\.llm is false\)$/m);
    assert.match(graph.stdout, /^ {2}per_device\[device=gpu\] {2}← llm$/m);
  });
});
