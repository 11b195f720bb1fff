import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deriveSeed } from '@veriflow/step-api';
import { readResults, runCli, workspace } from '../support/cli.js';

// A step kind whose value is a function of its seed alone, so the test can say which seed each replicate got.
const PLUGIN = `export const steps = [{
  name: 'test/draw',
  version: '1',
  with: { type: 'object', additionalProperties: false, properties: { cell: { type: 'string' } } },
  outputs: { value: { kind: 'number' }, seed: { kind: 'number' } },
  async run(ctx) { return { value: (ctx.seed % 1000) / 1000, seed: ctx.seed }; },
}];
`;

const WORKFLOW = `name: replicated
seed: 7
plugins: [./draw.mjs]
params: { replicates: 2 }
replicates: \${{ params.replicates }}
steps:
  draw:
    uses: test/draw
    replicate: true
    matrix: { cell: [a, b] }
    with: { cell: "\${{ matrix.cell }}" }
  figure:
    uses: core/plot
    with: { from: "\${{ steps.draw.instances }}", x: cell, y: value, aggregate: mean }
expect:
  every-cell-has-every-replicate:
    that: \${{ min(map(group(steps.draw.instances, 'matrix.cell', 'outputs.value'), 'n')) == params.replicates }}
    values:
      cells: map(group(steps.draw.instances, 'matrix.cell', 'outputs.value'), 'matrix.cell')
      means: map(group(steps.draw.instances, 'matrix.cell', 'outputs.value'), 'mean')
      stderrs: map(group(steps.draw.instances, 'matrix.cell', 'outputs.value'), 'stderr')
`;

interface LockFile {
  readonly instances: Record<string, { readonly key: string; readonly entry: { readonly seed: number }; readonly outputs: Record<string, { readonly digest?: string }> }>;
}

const valueOf = (seed: number): number => (seed % 1000) / 1000;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Sample standard deviation over √n, written out independently of the code under test. */
const stderr = (xs: readonly number[]): number => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)) / Math.sqrt(xs.length);
const close = (actual: unknown, expected: number, what: string): void => assert.ok(Math.abs(Number(actual) - expected) < 1e-12, `${what}: ${String(actual)} ≠ ${expected}`);

describe('replicates through the CLI', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({ 'wf.yaml': WORKFLOW, 'draw.mjs': PLUGIN })));
  after(() => dispose());
  /** An artifact of an instance, read from the content-addressed store through the lock file. */
  const artifact = async (recorded: LockFile, name: string, output: string): Promise<string> => {
    const hex = recorded.instances[name]!.outputs[output]!.digest!.replace(/^sha256:/, '');
    return readFile(join(dir, '.veriflow', 'objects', hex.slice(0, 2), hex.slice(2)), 'utf8');
  };
  const lock = async (): Promise<LockFile> => JSON.parse(await readFile(join(dir, '.veriflow', 'workflows', 'replicated', 'lock.json'), 'utf8')) as LockFile;

  it('gives each replicate its own recorded seed; raising the count reuses the replicates that ran; the figure and the claims aggregate all', async () => {
    const first = await runCli(['run', 'wf.yaml'], dir);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const before = await lock();
    const names = ['draw[cell=a,replicate=1]', 'draw[cell=a,replicate=2]', 'draw[cell=b,replicate=1]', 'draw[cell=b,replicate=2]'];
    for (const name of names) assert.equal(before.instances[name]!.entry.seed, deriveSeed(7, name), `${name} records the seed derived from its name`);
    assert.equal(new Set(names.map((name) => before.instances[name]!.entry.seed)).size, 4, 'every replicate draws differently');

    const plan = await runCli(['plan', 'wf.yaml', '--set', 'replicates=3'], dir);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /^replicates: 3 \(replicate = 1…3\) on draw; aggregated across replicates by figure$/m);
    assert.match(plan.stdout, /^draw\[cell=a,replicate=1\] +cached/m);
    assert.match(plan.stdout, /^draw\[cell=b,replicate=3\] +run +new/m);
    const graph = await runCli(['graph', 'wf.yaml', '--set', 'replicates=3'], dir);
    assert.match(graph.stdout, /^draw {2}test\/draw {2}×6 {2}\(replicate ×3\)$/m);

    const second = await runCli(['run', 'wf.yaml', '--set', 'replicates=3'], dir);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    const results = (await readResults(dir, 'replicated')) as Awaited<ReturnType<typeof readResults>> & {
      expectations: { name: string; status: string; measured: Record<string, unknown> }[];
    };
    const statuses = Object.fromEntries(results.instances.map((instance) => [instance.name, instance.status]));
    for (const name of names) assert.equal(statuses[name], 'cached', `${name} is reused`);
    assert.equal(statuses['draw[cell=a,replicate=3]'], 'succeeded');
    const after = await lock();
    for (const name of names) assert.deepEqual([after.instances[name]!.key, after.instances[name]!.entry.seed], [before.instances[name]!.key, before.instances[name]!.entry.seed], `${name} keeps its key and seed`);

    const drawn = (cell: string): number[] => [1, 2, 3].map((replicate) => valueOf(deriveSeed(7, `draw[cell=${cell},replicate=${replicate}]`)));
    const claim = results.expectations[0]!;
    assert.equal(claim.status, 'held', JSON.stringify(claim));
    assert.deepEqual(claim.measured.cells, ['a', 'b']);
    (['a', 'b'] as const).forEach((cell, i) => {
      close((claim.measured.means as number[])[i], mean(drawn(cell)), `mean of ${cell}`);
      close((claim.measured.stderrs as number[])[i], stderr(drawn(cell)), `stderr of ${cell}`);
    });

    // The claim over group() is re-checked from the recorded results alone.
    const check = await runCli(['check', join(dir, '.veriflow', 'workflows', 'replicated', 'results.json')], dir);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /every-cell-has-every-replicate held/);

    const csv = (await artifact(after, 'figure', 'data')).trimEnd().split('\n');
    assert.equal(csv[0], 'series,x,y,n,sd,stderr');
    (['a', 'b'] as const).forEach((cell, i) => {
      const [, x, y, n, , se] = csv[i + 1]!.split(',');
      assert.deepEqual([x, n], [cell, '3']);
      close(y, mean(drawn(cell)), `plotted mean of ${cell}`);
      close(se, stderr(drawn(cell)), `plotted standard error of ${cell}`);
    });
    const svg = await artifact(after, 'figure', 'figure');
    assert.equal(svg.match(/<g stroke="[^"]+" data-series="value">/g)?.length, 2, 'an error bar at each of the two cells');
    assert.match(svg, /bars: ± 1 standard error/);
  });
});
