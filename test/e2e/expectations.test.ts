import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, workspace } from '../support/cli.js';

// A sweep whose totals are 4, 5, 6: the claims below hold or fail on those numbers.
const WORKFLOW = (least: number, extra = ''): string => `name: claims
params: { factors: [1, 2, 3], least: ${least} }
steps:
  base:
    uses: core/sum
    with: { values: [1, 2] }
  scaled:
    uses: core/sum
    matrix:
      factor: \${{ params.factors }}
    with: { values: ["\${{ steps.base.outputs.total }}", "\${{ matrix.factor }}"] }
${extra}expect:
  base-total:
    that: \${{ steps.base.outputs.total == 3 }}
  least-total:
    that: \${{ min(map(steps.scaled.instances, 'outputs.total')) >= params.least }}
    message: every scaled total reaches params.least
    values:
      totals: map(steps.scaled.instances, 'outputs.total')
  ordered:
    that: spearman(map(steps.scaled.instances, 'matrix.factor'), map(steps.scaled.instances, 'outputs.total')) >= 0.99
`;

interface Claim {
  name: string;
  status: string;
  measured: Record<string, unknown>;
  reason?: string;
}

const claimsOf = async (dir: string): Promise<Claim[]> => JSON.parse(await readFile(join(dir, '.veriflow', 'workflows', 'claims', 'results.json'), 'utf8')).expectations;
const statuses = (claims: readonly Claim[]): Record<string, string> => Object.fromEntries(claims.map((claim) => [claim.name, claim.status]));

describe('expect: through the CLI', () => {
  let held: { dir: string; dispose: () => Promise<void> };
  let failed: { dir: string; dispose: () => Promise<void> };
  before(async () => {
    held = await workspace({ 'wf.yaml': WORKFLOW(4) });
    failed = await workspace({ 'wf.yaml': WORKFLOW(5) });
  });
  after(async () => {
    await held.dispose();
    await failed.dispose();
  });

  it('prints held claims with their measured values, records them and exits 0; a cached re-run evaluates them again', async () => {
    const run = await runCli(['run', 'wf.yaml'], held.dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /expectations: 3 held/);
    assert.match(run.stdout, /✓ least-total held\n\s+min\(map\(steps.scaled.instances, 'outputs.total'\)\) = 4\n\s+params.least = 4\n\s+totals = \[4, 5, 6\]/);
    assert.deepEqual(statuses(await claimsOf(held.dir)), { 'base-total': 'held', 'least-total': 'held', ordered: 'held' });
    const again = await runCli(['run', 'wf.yaml'], held.dir);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /expectations: 3 held/);
  });

  it('exits 3 (regression) on a failed claim, saying why; --no-expect-fail reports it and exits 0', async () => {
    const run = await runCli(['run', 'wf.yaml'], failed.dir);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(run.stdout, /✗ least-total FAILED: every scaled total reaches params.least/);
    assert.match(run.stdout, /\nregression: results in/);
    const least = (await claimsOf(failed.dir)).find((claim) => claim.name === 'least-total')!;
    assert.deepEqual(least.measured, { "min(map(steps.scaled.instances, 'outputs.total'))": 4, 'params.least': 5, totals: [4, 5, 6] });
    const reported = await runCli(['run', 'wf.yaml', '--no-expect-fail'], failed.dir);
    assert.equal(reported.code, 0, reported.stdout + reported.stderr);
    assert.match(reported.stdout, /regression \(reported only: --no-expect-fail\)/);
  });

  it('check re-evaluates a results.json and a run id without running anything, and writes JUnit XML', async () => {
    const results = join(failed.dir, '.veriflow', 'workflows', 'claims', 'results.json');
    const fromFile = await runCli(['check', results, '--junit', 'report.xml'], failed.dir);
    assert.equal(fromFile.code, 3, fromFile.stdout + fromFile.stderr);
    assert.match(fromFile.stdout, /expectations: 2 held, 1 failed/);
    assert.doesNotMatch(fromFile.stderr, /running/);
    const xml = await readFile(join(failed.dir, 'report.xml'), 'utf8');
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="veriflow" tests="3" failures="1" errors="0" skipped="0">/);
    const cases = [...xml.matchAll(/<testcase classname="veriflow.claims" name="([^"]+)"[^>]*>([\s\S]*?)<\/testcase>/g)].map((match) => [match[1], match[2]!.trim().split(/[ >]/)[0]]);
    assert.deepEqual(cases, [['base-total', '<system-out'], ['least-total', '<failure'], ['ordered', '<system-out']]);
    assert.match(xml, /<failure type="failed" message="every scaled total reaches params.least">that: \$\{\{ min\(map\(steps.scaled.instances, &apos;outputs.total&apos;\)\) &gt;= params.least \}\}\n[^<]*params.least = 5\ntotals = \[4, 5, 6\]<\/failure>/);

    const runs = JSON.parse((await runCli(['runs', '--json'], held.dir)).stdout) as { id: string }[];
    const fromStore = await runCli(['check', runs[0]!.id], held.dir);
    assert.equal(fromStore.code, 0, fromStore.stdout + fromStore.stderr);
    assert.match(fromStore.stdout, new RegExp(`claims, run ${runs[0]!.id}\\nexpectations: 3 held`));
    const shown = await runCli(['runs', 'show', runs[0]!.id], held.dir);
    assert.match(shown.stdout, /expectations: 3 held\n\s+✓ base-total held/);
  });

  it('skips, without failing, claims on steps that --only left out, and evaluates the others', async () => {
    const run = await runCli(['run', 'wf.yaml', '--only', 'base'], failed.dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const claims = await claimsOf(failed.dir);
    assert.deepEqual(statuses(claims), { 'base-total': 'held', 'least-total': 'skipped', ordered: 'skipped' });
    assert.match(claims[1]!.reason!, /reads "scaled", which this run left out \(--only\)/);
    assert.match(run.stdout, /expectations: 1 held, 2 skipped/);
  });

  it('reports claims on a failed step as not evaluated, saying why, and exits 1', async () => {
    const broken = await workspace({ 'wf.yaml': WORKFLOW(4).replace('values: [1, 2] }', 'values: [1, 2] }\n    if: true\n  boom:\n    uses: command\n    with: { run: [node, -e, "process.exit(4)"] }\n  after-boom:\n    uses: core/sum\n    needs: [boom]\n    with: { values: [1] }') + '  after:\n    that: ${{ steps.after-boom.outputs.total == 1 }}\n' });
    try {
      const run = await runCli(['run', 'wf.yaml', '--keep-going'], broken.dir);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      const after = (await claimsOf(broken.dir)).find((claim) => claim.name === 'after')!;
      assert.equal(after.status, 'not-evaluated');
      assert.match(after.reason!, /step "after-boom" has no finished instance: after-boom skipped/);
      assert.match(run.stdout, /– after not evaluated\n\s+step "after-boom"/);
      assert.equal(statuses(await claimsOf(broken.dir))['base-total'], 'held');
    } finally {
      await broken.dispose();
    }
  });

  it('skips a claim whose if: is false for this configuration, saying so, and evaluates it when true', async () => {
    const conditional = await workspace({ 'wf.yaml': WORKFLOW(5).replace('  least-total:\n', '  least-total:\n    if: ${{ len(params.factors) >= 4 }}\n') });
    try {
      const small = await runCli(['run', 'wf.yaml'], conditional.dir);
      assert.equal(small.code, 0, small.stdout + small.stderr);
      assert.match(small.stdout, /expectations: 2 held, 1 skipped\n/);
      assert.match(small.stdout, /· least-total skipped \(condition false: if \$\{\{ len\(params.factors\) >= 4 \}\}\)\n/);
      const least = (await claimsOf(conditional.dir)).find((claim) => claim.name === 'least-total')!;
      assert.deepEqual([least.status, least.measured], ['skipped', {}]);
      const checked = await runCli(['check', join(conditional.dir, '.veriflow', 'workflows', 'claims', 'results.json')], conditional.dir);
      assert.equal(checked.code, 0, checked.stdout + checked.stderr);
      assert.match(checked.stdout, /· least-total skipped \(condition false/);
      const large = await runCli(['run', 'wf.yaml', '--set', 'factors=[1,2,3,4]'], conditional.dir);
      assert.equal(large.code, 3, large.stdout + large.stderr);
      assert.match(large.stdout, /✗ least-total FAILED: every scaled total reaches params.least/);
    } finally {
      await conditional.dispose();
    }
  });

  it('refuses a type error in expect: before running anything (exit 2, with its position)', async () => {
    const typo = await workspace({ 'wf.yaml': WORKFLOW(4).replace("'outputs.total')) >= params.least", "'outputs.totl')) >= params.least") });
    try {
      const run = await runCli(['run', 'wf.yaml'], typo.dir);
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /wf\.yaml:16:47: map\(\): no field "totl" in \{ total: number, report: string \}; expected one of report, total\. Did you mean "total"\? \[EXPR_TYPE\]\n.*\n\s+\|\s+\^{14}\n/);
      assert.match(run.stderr, /nothing was run/);
    } finally {
      await typo.dispose();
    }
  });
});
