import assert from 'node:assert/strict';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, workspace } from '../support/cli.js';

const WORKFLOW = `name: tiny
params: { factors: [1, 2] }
steps:
  base: { uses: core/sum, with: { values: [1, 2] } }
  scaled:
    uses: core/sum
    matrix: { factor: "\${{ params.factors }}" }
    with: { values: ["\${{ steps.base.outputs.total }}", "\${{ matrix.factor }}"] }
expect:
  grows:
    that: \${{ min(map(steps.scaled.instances, 'outputs.total')) >= 4 }}
`;

const RESULTS = join('.veriflow', 'workflows', 'tiny', 'results.json');
const REPORT = join('.veriflow', 'workflows', 'tiny', 'report.html');
const runIdOf = (stdout: string): string => /logs in \.veriflow\/runs\/([0-9a-f-]+)\/logs/.exec(stdout)![1]!;

describe('veriflow report and the report a run writes', () => {
  let scratch: { dir: string; dispose: () => Promise<void> };
  let first: string;
  let second: string;
  before(async () => {
    scratch = await workspace({ 'wf.yaml': WORKFLOW });
    const runs = [await runCli(['run', 'wf.yaml'], scratch.dir), await runCli(['run', 'wf.yaml', '--set', 'factors=[1,2,3]'], scratch.dir)];
    for (const run of runs) assert.equal(run.code, 0, run.stdout + run.stderr);
    [first, second] = runs.map((run) => runIdOf(run.stdout)) as [string, string];
    assert.match(runs[1]!.stdout, new RegExp(`\\nreport: ${REPORT.replace(/\./g, '\\.')}\\n`));
  });
  after(() => scratch.dispose());

  it('a run leaves its report next to results.json', async () => {
    const page = await readFile(join(scratch.dir, REPORT), 'utf8');
    assert.match(page, new RegExp(`<title>tiny: run ${second}</title>`));
    assert.match(page, /data-v="scaled\[factor=3\]"/);
  });

  it('reports on latest, a run id or a results.json, to -o or next to the results', async () => {
    const latest = await runCli(['report', 'latest', '-o', 'latest.html'], scratch.dir);
    assert.equal(latest.code, 0, latest.stdout + latest.stderr);
    assert.equal(latest.stdout, `report of run ${second}: latest.html\n`);
    assert.match(await readFile(join(scratch.dir, 'latest.html'), 'utf8'), new RegExp(`run ${second}`));
    const byId = await runCli(['report', second.slice(0, 17), '--output', 'by-id.html'], scratch.dir);
    assert.equal(byId.code, 0, byId.stdout + byId.stderr);
    const byPath = await runCli(['report', RESULTS], scratch.dir);
    assert.equal(byPath.code, 0, byPath.stdout + byPath.stderr);
    assert.equal(byPath.stdout, `report of run ${second}: ${REPORT}\n`);
  });

  it('an earlier run, whose results a later run replaced, gives the report it kept when it ran', async () => {
    const old = await runCli(['report', first, '-o', 'first.html'], scratch.dir);
    assert.equal(old.code, 0, old.stdout + old.stderr);
    assert.equal(old.stdout, `report of run ${first}: first.html\n`);
    assert.match(await readFile(join(scratch.dir, 'first.html'), 'utf8'), new RegExp(`<title>tiny: run ${first}</title>`));
    const kept = JSON.parse(await readFile(join(scratch.dir, '.veriflow', 'runs', first, 'results.json'), 'utf8')) as { runId: string };
    assert.equal(kept.runId, first, 'the run folder keeps its own results.json');
  });

  it('refuses a run that kept no report, and an unknown run, with exit 2', async () => {
    await rm(join(scratch.dir, '.veriflow', 'runs', first, 'report.html'));
    const old = await runCli(['report', first], scratch.dir);
    assert.equal(old.code, 2);
    assert.match(old.stderr, new RegExp(`run ${first} is not the one .*results\\.json holds \\(it holds run ${second}\\), and it kept no report of its own`));
    const unknown = await runCli(['report', '19990101'], scratch.dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no run matches "19990101"/);
  });

  it('a report that cannot be written is a warning: the run still succeeds', async () => {
    // A directory where the report goes: the atomic rename over it fails.
    await rm(join(scratch.dir, REPORT));
    await mkdir(join(scratch.dir, REPORT, 'blocker'), { recursive: true });
    const run = await runCli(['run', 'wf.yaml'], scratch.dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /veriflow: warning: could not write the HTML report: .*report\.html.*; the run's results are unaffected \(veriflow report latest draws it again\)/);
    assert.doesNotMatch(run.stdout, /\nreport: /);
    assert.match(run.stdout, /\nsucceeded: results in/);
  });
});
