import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TrackedInstance, TrackedRun } from '@veriflow/tracking';
import { RunStore } from '@veriflow/tracking';

const CLI = resolve(import.meta.dirname, '..', 'main.js');

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

const RUN_A = '20261126-100000-aaaaaa';
const RUN_B = '20261126-110000-bbbbbb';

function run(id: string, startedAt: number): TrackedRun {
  return { id, workflow: 'sweep', file: 'sweep.yaml', fileHash: 'ab'.repeat(32), gitCommit: undefined, user: 'ada', host: 'lab', startedAt, endedAt: undefined, status: 'running', preset: undefined, overrides: [], experiment: 'sweep' };
}

function final(name: string, p: string, fields: Partial<TrackedInstance> = {}): Omit<TrackedInstance, 'runId' | 'metrics'> {
  return {
    name,
    step: 'train',
    kind: 'train',
    version: '1',
    matrix: { p },
    status: 'succeeded',
    cacheKey: undefined,
    producedByRun: undefined,
    params: { p, seed: '7', label: 'a, "quoted" one' },
    tags: {},
    datasets: [],
    artifacts: [],
    values: { accuracy: Number(p) * 2 },
    startedAt: 1000,
    endedAt: 3500,
    error: undefined,
    ...fields,
  };
}

/** Run A: two finished train instances. Run B (newer): one cached from A, one killed mid-way, no run-finished. */
async function populate(dir: string): Promise<void> {
  const store = new RunStore(dir);
  const a = store.openRun(run(RUN_A, 1_764_151_200_000));
  for (const p of ['0.1', '0.2']) {
    const name = `train[p=${p}]`;
    a.append({ type: 'instance-started', name, step: 'train', kind: 'train', version: '1', matrix: { p }, time: 1000 });
    for (const step of [0, 1]) a.append({ type: 'metric', name, point: { key: 'loss', value: (2 - step) * Number(p), step, timestamp: 2000 + step } });
    a.append({ type: 'instance-finished', instance: final(name, p) });
  }
  await a.close('succeeded', 1_764_151_203_000);
  const b = store.openRun(run(RUN_B, 1_764_154_800_000));
  b.append({ type: 'instance-finished', instance: { ...final('train[p=0.1]', '0.1', { status: 'cached', producedByRun: RUN_A }), metrics: [{ key: 'loss', value: 0.1, step: 1, timestamp: 2001 }] } });
  b.append({ type: 'instance-started', name: 'train[p=0.3]', step: 'train', kind: 'train', version: '1', matrix: { p: '0.3' }, time: 1000 });
  b.append({ type: 'metric', name: 'train[p=0.3]', point: { key: 'loss', value: 0.9, step: 0, timestamp: 2000 } });
  await b.abandon();
}

describe('veriflow runs / compare', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'veriflow-cli-tracking-'));
    await populate(dir);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('runs lists newest first with status and instance counts', async () => {
    const { code, stdout } = await cli('runs', '--workspace', dir);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^run\s+workflow\s+status\s+started\s+time\s+instances$/);
    assert.match(lines[2]!, new RegExp(`^${RUN_B}\\s+sweep\\s+interrupted\\s+.*1 cached, 1 interrupted$`));
    assert.match(lines[3]!, new RegExp(`^${RUN_A}\\s+sweep\\s+succeeded\\s+.*3\\.0s\\s+2 succeeded$`));
  });

  it('runs --json is machine-readable; an empty workspace says so', async () => {
    const listed = JSON.parse((await cli('runs', '--json', '--workspace', dir)).stdout) as { id: string; counts: Record<string, number>; endedAt: number | null }[];
    assert.deepEqual(listed.map((r) => [r.id, r.counts, r.endedAt]), [[RUN_B, { cached: 1, interrupted: 1 }, null], [RUN_A, { succeeded: 2 }, 1_764_151_203_000]]);
    const empty = await cli('runs', '--workspace', join(dir, 'nothing-here'));
    assert.equal(empty.code, 0);
    assert.match(empty.stdout, /^no runs recorded in /);
  });

  it('runs show takes a unique prefix and shows a table per step with cached-from and final metrics', async () => {
    const { code, stdout } = await cli('runs', 'show', '20261126-11', '--workspace', dir);
    assert.equal(code, 0);
    assert.match(stdout, new RegExp(`^run\\s+${RUN_B}\\n`));
    assert.match(stdout, /\nstatus\s+interrupted\n/);
    assert.match(stdout, new RegExp(`\\ntrain \\(train\\): 2 instances, 1 cached, 1 interrupted\\n {2}same wherever set: cached from=${RUN_A}, accuracy=0\\.2, time=2\\.5s\\n {4}p\\s+status\\s+loss\\n`));
    assert.match(stdout, /\n {2}0\.1\s+cached\s+0\.1\n {2}0\.3\s+interrupted\s+0\.9\n/);
    const all = await cli('runs', 'show', '20261126-11', '--all', '--workspace', dir);
    assert.match(all.stdout, /\ninstance\s+status\s+cached from\s+time\s+loss\n/);
    assert.match(all.stdout, new RegExp(`\\ntrain\\[p=0\\.1\\]\\s+cached\\s+${RUN_A}\\s+2\\.5s\\s+0\\.1\\n`));
    assert.match(all.stdout, /\ntrain\[p=0\.3\]\s+interrupted\s+0\.9\n/);
    const json = JSON.parse((await cli('runs', 'show', RUN_A, '--json', '--workspace', dir)).stdout) as { run: { status: string }; instances: { metrics: unknown[] }[] };
    assert.equal(json.run.status, 'succeeded');
    assert.equal(json.instances[0]!.metrics.length, 2);
  });

  it('bad ids and usage exit 2 with the candidates', async () => {
    const ambiguous = await cli('runs', 'show', '2026', '--workspace', dir);
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, new RegExp(`"2026" is ambiguous: it matches ${RUN_B}, ${RUN_A}`));
    const missing = await cli('runs', 'show', '1999', '--workspace', dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no run matches "1999"; the newest runs are/);
    assert.equal((await cli('runs', 'show', '--workspace', dir)).code, 2);
    assert.equal((await cli('runs', 'frobnicate', '--workspace', dir)).code, 2);
    assert.equal((await cli('compare', '--workspace', dir)).code, 2);
    assert.equal((await cli('compare', `${RUN_A}:nope`, '--workspace', dir)).code, 2);
    assert.equal((await cli('compare', RUN_A, '--figure', join(dir, 'x.svg'), '--workspace', dir)).code, 2);
    assert.equal((await cli('compare', RUN_A, '--metric', 'loss', '--workspace', dir)).code, 2);
  });

  it('compare shows only differing params, final metrics and values, and writes CSV and JSON', async () => {
    const csv = join(dir, 'out.csv');
    const { code, stdout, stderr } = await cli('compare', '20261126-10', `20261126-11:train[p=0.3]`, '--csv', csv, '--workspace', dir);
    assert.equal(code, 0, stderr);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^run\s+instance\s+status\s+p\s+loss\s+accuracy$/, 'seed and label are the same everywhere');
    assert.match(lines[2]!, new RegExp(`^${RUN_A}\\s+train\\[p=0\\.1\\]\\s+succeeded\\s+0\\.1\\s+0\\.1\\s+0\\.2$`));
    // Killed before it finished, so its params were never recorded: blank, and not a reason to show seed.
    assert.match(lines[4]!, new RegExp(`^${RUN_B}\\s+train\\[p=0\\.3\\]\\s+interrupted\\s+0\\.9$`));
    assert.equal(
      await readFile(csv, 'utf8'),
      `run,instance,status,p,loss,accuracy\r\n${RUN_A},train[p=0.1],succeeded,0.1,0.1,0.2\r\n${RUN_A},train[p=0.2],succeeded,0.2,0.2,0.4\r\n${RUN_B},train[p=0.3],interrupted,,0.9,\r\n`,
    );
    const json = JSON.parse((await cli('compare', RUN_A, '--json', '--workspace', dir)).stdout) as { columns: { header: string }[]; rows: { params: Record<string, string> }[] };
    assert.deepEqual(json.columns.map((c) => c.header), ['p', 'loss', 'accuracy']);
    assert.equal(json.rows[0]!.params.label, 'a, "quoted" one');
  });

  it('compare --figure draws the metric as SVG; an unknown metric writes nothing', async () => {
    const figure = join(dir, 'loss.svg');
    const { code, stderr } = await cli('compare', RUN_A, RUN_B, '--figure', figure, '--metric', 'loss', '--x', 'p', '--workspace', dir);
    assert.equal(code, 0, stderr);
    const svg = await readFile(figure, 'utf8');
    assert.match(svg, /<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /loss against p/);
    const bad = join(dir, 'bad.svg');
    const refused = await cli('compare', RUN_A, '--figure', bad, '--metric', 'nope', '--workspace', dir);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /no compared instance has a metric "nope"; available: accuracy, loss/);
    await assert.rejects(stat(bad));
  });
});
