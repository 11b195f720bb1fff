import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readResults, runCli, workspace } from '../support/cli.js';

const root = resolve(import.meta.dirname, '..', '..', '..');
const WORKFLOW = resolve(root, 'workflows/paper/xlsum-selection.yaml');

// The paper's summarisation workflow at its smoke size, end to end through the CLI: corpus → splits →
// generator → K candidates → ROUGE → judge → four selectors × budgets (φ, ψ, p*) → students → their ROUGE
// → Figure 5. The models are untrained at this size, so the claims are skipped by their `if:`.
describe('xlsum-selection workflow, smoke preset', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  before(async () => ({ dir, dispose } = await workspace({})));
  after(() => dispose());

  it('runs every step, measures each selector, draws both figures and skips the claims; a re-run is all cache hits', async () => {
    const run = await runCli(['run', WORKFLOW, '--preset', 'smoke'], dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const results = (await readResults(dir, 'xlsum-selection')) as Awaited<ReturnType<typeof readResults>> & {
      expectations: { name: string; status: string }[];
    };
    // The LLM branch (its input check, the Python steps) is skipped; everything else runs.
    const notRun = results.instances.filter((instance) => instance.status !== 'succeeded');
    assert.ok(notRun.every((instance) => instance.status === 'skipped' && (instance.name === 'inputs' || instance.name.startsWith('llm-'))), JSON.stringify(notRun));
    assert.equal(results.instances.filter((instance) => instance.name.startsWith('llm-')).length, notRun.length - 1);

    const selections = results.instances.filter((instance) => instance.name.startsWith('select['));
    assert.equal(selections.length, 4 * 2, 'four selectors × two budgets');
    for (const selection of selections) {
      const { phi, psi, p_star: pStar, kept_count: kept } = selection.values as Record<string, number | null>;
      assert.ok((kept ?? 0) > 0, `${selection.name} keeps articles`);
      if (typeof phi === 'number' && typeof psi === 'number' && phi + psi > 0) assert.ok(Math.abs((pStar ?? NaN) - phi / (phi + psi)) < 1e-12, `${selection.name}: p* = φ/(φ+ψ)`);
    }

    const students = results.instances.filter((instance) => instance.name.startsWith('student-rouge['));
    assert.equal(students.length, 8);
    for (const student of students) assert.equal(typeof student.values.rouge1, 'number');
    // Each student against the generator, paired by test article: with one summary per article the mean of
    // the differences is the difference of the means.
    const generator = results.instances.find((instance) => instance.name === 'reference-rouge[model=generator]')!;
    const comparisons = results.instances.filter((instance) => instance.name.startsWith('student-vs-generator['));
    assert.equal(comparisons.length, 8);
    for (const comparison of comparisons) {
      const student = students.find((s) => s.name === comparison.name.replace('student-vs-generator', 'student-rouge'))!;
      const { delta, delta_se: se, delta_low: low } = comparison.values as { delta: number; delta_se: number; delta_low: number };
      assert.ok(Math.abs(delta - ((student.values.rouge1 as number) - (generator.values.rouge1 as number))) < 1e-9, comparison.name);
      assert.ok(se >= 0 && Math.abs(low - (delta - 1.96 * se)) < 1e-12, comparison.name);
    }

    assert.deepEqual(
      results.expectations.map((claim) => [claim.name, claim.status]),
      ['random-at-or-below-generator', 'oracle-beats-generator', 'self-beats-generator', 'judge-p-star-near-random', 'p-star-ranks-selectors'].map((name) => [name, 'skipped']),
    );
    const figures = join(dir, '.veriflow', 'workflows', 'xlsum-selection', 'figures');
    for (const figure of ['figure-student-rouge.figure.svg', 'figure-p-star.figure.svg']) assert.ok(existsSync(join(figures, figure)), figure);
    // Figure 5 as the paper draws it: grouped bars, one per selector in each of the smoke preset's two budgets.
    const bars = readFileSync(join(figures, 'figure-student-rouge.figure.svg'), 'utf8').match(/<rect [^>]*data-group=/g) ?? [];
    assert.equal(bars.length, 8, 'four selectors × two budgets');

    const again = await runCli(['run', WORKFLOW, '--preset', 'smoke'], dir);
    assert.equal(again.code, 0, again.stderr);
    const statuses = new Set((await readResults(dir, 'xlsum-selection')).instances.map((instance) => instance.status));
    assert.deepEqual(statuses, new Set(['cached', 'skipped']));
  });
});
