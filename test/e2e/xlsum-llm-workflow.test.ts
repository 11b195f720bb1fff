// xlsum-selection's LLM branch end to end through the real CLI, on CPU: `--preset llm-tiny` builds tiny
// random Llamas on the embedded corpus, fine-tunes the generator and the judge, samples K candidates, and
// feeds them to the same ROUGE, selection and student scoring as the embedded models; the students are LLM
// fine-tunes too. Needs `.venv-llm`: skips with the reason where it is absent, and fails instead under
// VERIFLOW_REQUIRE_LLM=1 (CI, which installs it).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { readResults, runCli, statusesOf, workspace } from '../support/cli.js';

const root = resolve(import.meta.dirname, '..', '..', '..');
const WORKFLOW = resolve(root, 'workflows/paper/xlsum-selection.yaml');

interface VenvScript {
  VENVS: Record<string, { venv: string }>;
  venvAvailability(spec: unknown, options: { quiet: boolean; install: boolean }): { bin: string; skip?: undefined } | { bin?: undefined; skip: string };
}

const { VENVS, venvAvailability } = (await import(pathToFileURL(join(root, 'scripts', 'python-venv.js')).href)) as VenvScript;
const llm = venvAvailability(VENVS.llm, { quiet: true, install: false });

const SELECTORS = ['oracle', 'judge', 'self', 'random'];
/** llm-tiny: 200 articles, 40% of them the pool, K = 2; 10% the test set; one budget. */
const POOL_CANDIDATES = 80 * 2;
const TEST_ARTICLES = 20;
const BUDGET = 0.5;

describe('xlsum-selection --preset llm-tiny (the Python LLM steps in the same workflow)', { skip: llm.skip }, () => {
  let dir = '';
  let dispose = async (): Promise<void> => {};
  before(async () => ({ dir, dispose } = await workspace({})));
  after(() => dispose());

  it('runs the LLM models in place of the embedded ones and measures p*, students\' ROUGE and Figure 5 from them', async () => {
    const run = await runCli(['run', WORKFLOW, '--preset', 'llm-tiny', '--set', `llm_python=${llm.bin}`], dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const results = (await readResults(dir, 'xlsum-selection')) as Awaited<ReturnType<typeof readResults>> & { expectations: { name: string; status: string }[] };
    const statuses = statusesOf(results);
    for (const step of ['generator', 'synthesize', 'judge-model', 'judge', 'real-model']) assert.equal(statuses[step], 'skipped', `the embedded ${step} does not run`);
    const llmInstances = Object.entries(statuses).filter(([name]) => name.startsWith('llm-'));
    assert.equal(llmInstances.length, 3 + 4 + 3 + 2 * SELECTORS.length, 'tiny bases and judge, generator, synthesize, judge, real model, 3 reference summaries, a student and its summaries per selector');
    assert.deepEqual(llmInstances.filter(([, status]) => status !== 'succeeded'), []);

    const byName = new Map(results.instances.map((instance) => [instance.name, instance.values as Record<string, unknown>]));
    assert.equal(byName.get('llm-synthesize')!.summaries, POOL_CANDIDATES);
    assert.equal(byName.get('llm-judge')!.scored, POOL_CANDIDATES);
    const pool = byName.get('pool-rouge')!;
    assert.equal(pool.candidates, POOL_CANDIDATES, 'ROUGE scores the LLM generator\'s candidates');
    assert.ok(Number(pool.threshold) > 0 && Number(pool.threshold) < 1, `the median splits the candidates: threshold ${pool.threshold}`);

    const pStar: Record<string, number> = {};
    for (const selector of SELECTORS) {
      const selection = byName.get(`select[budget=${BUDGET},selector=${selector}]`)!;
      const [phi, psi, p] = ['phi', 'psi', 'p_star'].map((key) => Number(selection[key]));
      assert.ok(Math.abs(p! - phi! / (phi! + psi!)) < 1e-12, `${selector}: p* = φ/(φ+ψ), got ${p}`);
      pStar[selector] = p!;
      const student = byName.get(`llm-student[budget=${BUDGET},selector=${selector}]`)!;
      assert.equal(student.examples, selection.kept_count, `${selector}'s student fine-tunes on its selection`);
      assert.ok(Number(student.final_loss) < Number(student.first_loss), `${selector}'s student learns: ${student.first_loss} → ${student.final_loss}`);
      const scored = byName.get(`student-rouge[budget=${BUDGET},selector=${selector}]`)!;
      assert.equal(scored.candidates, TEST_ARTICLES, 'one greedy summary per test article');
      assert.equal(scored.p_star, p);
      assert.ok(Number(scored.rouge1) >= 0 && Number(scored.rouge1) <= 1, `${selector} student ROUGE-1 ${scored.rouge1}`);
    }
    assert.ok(pStar.oracle! > pStar.random!, `oracle selection keeps more correct candidates than random: ${JSON.stringify(pStar)}`);
    const generator = byName.get('reference-rouge[model=generator]')!;
    assert.ok(Number(generator.rouge1) > 0, `the fine-tuned tiny generator writes words of the summaries: ROUGE-1 ${generator.rouge1}`);
    assert.ok(SELECTORS.some((selector) => Number(byName.get(`student-rouge[budget=${BUDGET},selector=${selector}]`)!.rouge1) > 0), 'some student writes words of the summaries');

    assert.ok(results.expectations.every((claim) => claim.status === 'skipped'), JSON.stringify(results.expectations));
    const figure = join(dir, '.veriflow', 'workflows', 'xlsum-selection', 'figures', 'figure-student-rouge.figure.svg');
    assert.ok(existsSync(figure));
    assert.equal((readFileSync(figure, 'utf8').match(/<rect [^>]*data-group=/g) ?? []).length, SELECTORS.length, 'a bar per selector at the one budget');
  });
});
