import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stepTester } from '@veriflow/steps-core';
import { compare } from './compare.js';

const steps = stepTester();
after(steps.cleanup);

/** An xlsum/rouge scores file: one line per [id, ROUGE-1 F1]. */
async function scoresFile(name: string, rows: readonly (readonly [string, number])[]): Promise<string> {
  const t = await steps.context({ with: {} });
  const file = join(t.ctx.workdir, name);
  const score = (f: number) => ({ precision: f, recall: f, fmeasure: f });
  await writeFile(file, rows.map(([id, f]) => `${JSON.stringify({ id, candidate: 0, k: 0, summary: 's', scores: { rouge1: score(f), rouge2: score(f / 2), rougeL: score(f), rougeLsum: score(f) }, correct: true })}\n`).join(''));
  return file;
}

describe('xlsum/compare', () => {
  it('gives the paired mean difference, its standard error and delta ± z·se', async () => {
    const scores = await scoresFile('student.jsonl', [['a', 0.5], ['b', 0.7], ['c', 0.9]]);
    const baseline = await scoresFile('generator.jsonl', [['c', 0.6], ['a', 0.4], ['b', 0.7]]);
    const { outputs } = await steps.run(compare, { scores, baseline, metric: 'rouge1.fmeasure', z: 2 });
    // Differences 0.1, 0, 0.3 (paired by id, not by line): mean 2/15, sample variance 0.07/3, se √(0.07/9).
    const se = Math.sqrt(0.07 / 9);
    assert.equal(outputs.articles, 3);
    assert.ok(Math.abs(outputs.delta - 2 / 15) < 1e-12, `delta ${outputs.delta}`);
    assert.ok(Math.abs(outputs.delta_se - se) < 1e-12, `se ${outputs.delta_se}`);
    assert.ok(Math.abs(outputs.delta_low - (2 / 15 - 2 * se)) < 1e-12);
    assert.ok(Math.abs(outputs.delta_high - (2 / 15 + 2 * se)) < 1e-12);
    // The same pairs on another metric: ROUGE-2 is half of ROUGE-1 in these files, so is every difference.
    const half = await steps.run(compare, { scores, baseline, metric: 'rouge2.fmeasure', z: 2 });
    assert.ok(Math.abs(half.outputs.delta - 1 / 15) < 1e-12);
  });

  it('scores an article with several candidates by their mean, and carries given values', async () => {
    const scores = await scoresFile('k2.jsonl', [['a', 0.2], ['a', 0.6], ['b', 0.5]]);
    const baseline = await scoresFile('k1.jsonl', [['a', 0.4], ['b', 0.3]]);
    const { outputs } = await steps.run(compare, { scores, baseline, metric: 'rouge1.fmeasure', z: 1.96, carry: { selector: 'random' } });
    assert.ok(Math.abs(outputs.delta - 0.1) < 1e-12, `delta ${outputs.delta}`);
    assert.equal((outputs as unknown as Record<string, unknown>)['selector'], 'random');
  });

  it('refuses files about different articles, naming both files and the article', async () => {
    const scores = await scoresFile('left.jsonl', [['a', 0.5], ['b', 0.5]]);
    const baseline = await scoresFile('right.jsonl', [['a', 0.5], ['z', 0.5]]);
    await assert.rejects(steps.run(compare, { scores, baseline, metric: 'rouge1.fmeasure', z: 1.96 }), /left\.jsonl against .*right\.jsonl: article "b" is scored on one side only/);
    const one = await scoresFile('one.jsonl', [['a', 0.5]]);
    await assert.rejects(steps.run(compare, { scores: one, baseline: one, metric: 'rouge1.fmeasure', z: 1.96 }), /needs at least 2 articles/);
  });

  it('names the line of a scores file without the metric', async () => {
    const t = await steps.context({ with: {} });
    const bad = join(t.ctx.workdir, 'bad.jsonl');
    await writeFile(bad, `${JSON.stringify({ id: 'a', scores: { rouge2: {} } })}\n`);
    const good = await scoresFile('good.jsonl', [['a', 0.5]]);
    await assert.rejects(steps.run(compare, { scores: good, baseline: bad, metric: 'rouge1.fmeasure', z: 1.96 }), /bad\.jsonl:1: field "scores\.rouge1" is missing/);
  });
});
