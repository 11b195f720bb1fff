// The selection half of the paper's XL-Sum experiment through the real CLI, on fixture data the test
// generates: xlsum/rouge → xlsum/select (four selectors × three budgets) → a stand-in student → the
// Figure 5 plots, with the paper's claims as expectations. The stand-in student "learns" its training
// set exactly (its ROUGE is the mean ROUGE of the kept summaries), so the claims are judged on numbers
// the fixture fixes (see selectionFixtures).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readResults, runCli, workspace } from '../support/cli.js';
import { selectionFixtures } from '../support/xlsum-selection-fixtures.js';

const WORKFLOW = readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'xlsum-selection', 'workflow.yaml'), 'utf8');

const NO_JUDGE = `name: no-judge
steps:
  select:
    uses: xlsum/select
    matrix:
      selector: [oracle, judge]
    with: { candidates: data/candidates.jsonl, scores: data/scores.jsonl, articles: data/pool.jsonl, selector: "\${{ matrix.selector }}", budget: 0.25 }
`;

interface Instance {
  name: string;
  status: string;
  values: Record<string, unknown>;
}

describe('xlsum selection (Figure 5) through the CLI', () => {
  let dir = '';
  let dispose = async (): Promise<void> => {};
  before(async () => {
    ({ dir, dispose } = await workspace({ 'wf.yaml': WORKFLOW, 'no-judge.yaml': NO_JUDGE }));
    await mkdir(join(dir, 'data'));
    for (const [name, text] of Object.entries(selectionFixtures(3))) await writeFile(join(dir, name), text);
  });
  after(() => dispose());

  it('selects with four selectors at three budgets, draws both figures and the paper\'s claims hold', async () => {
    const run = await runCli(['run', 'wf.yaml'], dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const results = (await readResults(dir, 'xlsum-selection-e2e')) as unknown as { instances: Instance[]; expectations: { name: string; status: string }[] };
    const selects = results.instances.filter((instance) => instance.name.startsWith('select['));
    assert.equal(selects.length, 12);
    const of = (selector: string, budget: number) => selects.find((s) => s.values['selector'] === selector && s.values['budget'] === budget)!.values;
    // 600 articles: 75, 150 and 300 kept; p* orders oracle > self > judge ≈ random.
    assert.deepEqual([0.125, 0.25, 0.5].map((budget) => of('oracle', budget)['kept_count']), [75, 150, 300]);
    for (const budget of [0.125, 0.25, 0.5]) {
      assert.equal(of('oracle', budget)['p_star'], 1);
      assert.ok((of('self', budget)['p_star'] as number) > 0.7, `self p* ${String(of('self', budget)['p_star'])}`);
      assert.ok(Math.abs((of('random', budget)['p_star'] as number) - 0.5) < 0.15);
      assert.equal(of('random', budget)['generator_error'], of('oracle', budget)['generator_error']);
    }
    assert.ok(results.expectations.length === 5 && results.expectations.every((e) => e.status === 'held'), JSON.stringify(results.expectations));
    const figures = join(dir, '.veriflow', 'workflows', 'xlsum-selection-e2e', 'figures');
    const svg = await readFile(join(figures, 'student-rouge.figure.svg'), 'utf8').catch(() => '');
    assert.match(svg, /100% real labels/);
    assert.match(svg, /generator/);
  });

  it('a claim that stops holding is a regression (exit 3) naming it, and nothing re-runs', async () => {
    const run = await runCli(['run', 'wf.yaml', '--set', 'p_star_tolerance=0.001', '--set', 'min_spearman=0.999'], dir);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    const results = (await readResults(dir, 'xlsum-selection-e2e')) as unknown as { instances: Instance[]; expectations: { name: string; status: string }[] };
    assert.ok(results.instances.every((instance) => instance.status === 'cached'));
    const failed = results.expectations.filter((e) => e.status !== 'held').map((e) => e.name);
    assert.deepEqual(failed, ['judge-p-star-near-random', 'p-star-ranks-selectors']);
  });

  it('refuses selector judge without the judge input at plan time, naming the input and the instance', async () => {
    const plan = await runCli(['plan', 'no-judge.yaml'], dir);
    assert.equal(plan.code, 2, plan.stdout + plan.stderr);
    assert.match(plan.stderr, /no-judge\.yaml:7:5: missing required key "judge" in xlsum\/select input \(in select\[selector=judge\]\)/);
  });
});
