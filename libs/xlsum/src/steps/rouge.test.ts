import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { stepTester } from '@veriflow/steps-core';
import { generateCorpus, summarise } from '../corpus/generate.js';
import { encodeXlsumJsonl } from '../data/row.js';
import { RougeScorer } from '../rouge/scorer.js';
import { rouge } from './rouge.js';

const steps = stepTester();
after(steps.cleanup);

const articles = generateCorpus(createRng(9), 40);

/** Per article: the right summary, then one with the distractor's place. */
const candidates = articles.flatMap(({ row, facts, distractor }) => [
  { id: row.id, summary: row.summary },
  { id: row.id, summary: summarise({ ...facts, where: distractor.where }) },
]);

async function files(candidateLines: string): Promise<{ candidates: string; references: string }> {
  const t = await steps.context({ with: {} });
  const references = join(t.ctx.workdir, 'references.jsonl');
  const candidatesFile = join(t.ctx.workdir, 'candidates.jsonl');
  await writeFile(references, encodeXlsumJsonl(articles.map((article) => article.row)));
  await writeFile(candidatesFile, candidateLines);
  return { candidates: candidatesFile, references };
}

const jsonl = (rows: object[]): string => rows.map((row) => `${JSON.stringify(row)}\n`).join('');

describe('xlsum/rouge', () => {
  it('scores every candidate as rouge-score would and marks those at or above the pool median correct', async () => {
    const input = await files(jsonl(candidates));
    const { outputs, path } = await steps.run(rouge, { ...input, stem: true, metric: 'rouge1.fmeasure' });
    const lines = (await readFile(path('scores'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { id: string; candidate: number; correct: boolean; scores: { rouge1: { fmeasure: number } } });
    const scorer = new RougeScorer({ stem: true });
    const expected = candidates.map((c) => scorer.score(articles.find((a) => a.row.id === c.id)!.row.summary, c.summary));
    assert.deepEqual(lines.map((line) => line.scores), expected);
    assert.deepEqual(lines.map((line) => line.candidate), candidates.map((_, i) => i % 2));
    // Right summaries score 1 and wrong ones less, so the median falls between them: exactly the right ones are correct.
    assert.deepEqual(lines.map((line) => line.correct), candidates.map((_, i) => i % 2 === 0));
    const wrongBest = Math.max(...expected.filter((_, i) => i % 2 === 1).map((s) => s.rouge1.fmeasure));
    assert.equal(outputs.threshold, (wrongBest + 1) / 2);
    assert.equal(outputs.correct_fraction, 0.5);
    assert.equal(outputs.rouge1, expected.reduce((sum, s) => sum + s.rouge1.fmeasure, 0) / expected.length);
    assert.ok(outputs.rouge2 < outputs.rouge1);
  });

  it('takes the metric and a fixed threshold as params', async () => {
    const input = await files(jsonl(candidates));
    const { outputs } = await steps.run(rouge, { ...input, stem: false, metric: 'rouge2.recall', threshold: 1 });
    assert.equal(outputs.threshold, 1);
    assert.equal(outputs.correct_fraction, 0.5);
  });

  it('carries given values into its outputs (a student\'s selector and p* beside its ROUGE)', async () => {
    const input = await files(jsonl(candidates));
    const { outputs } = await steps.run(rouge, { ...input, stem: true, metric: 'rouge1.fmeasure', carry: { selector: 'oracle', p_star: 0.9 } });
    const carried = outputs as unknown as Record<string, unknown>;
    assert.deepEqual([carried['selector'], carried['p_star'], carried['rouge1']], ['oracle', 0.9, outputs.rouge1]);
    await assert.rejects(steps.run(rouge, { ...input, stem: true, metric: 'rouge1.fmeasure', carry: { rouge1: 1 } }), /carry\.rouge1 would overwrite the step's own output "rouge1"/);
  });

  it('names the line of a candidate whose article has no reference, or whose summary is missing', async () => {
    const unknown = await files(jsonl([candidates[0]!, { id: 'nope', summary: 'x' }]));
    await assert.rejects(steps.run(rouge, { ...unknown, stem: true, metric: 'rouge1.fmeasure' }), /candidates\.jsonl:2: id "nope" has no reference in .*references\.jsonl/);
    const missing = await files(jsonl([{ id: candidates[0]!.id, text: 'x' }]));
    await assert.rejects(steps.run(rouge, { ...missing, stem: true, metric: 'rouge1.fmeasure' }), /candidates\.jsonl:1: missing field "summary"/);
  });

  it('carries a candidate\'s k into its scores line (else its position), so xlsum/select can join on (id, k)', async () => {
    const id = candidates[0]!.id;
    const input = await files(jsonl([{ id, k: 3, summary: 'a' }, { id, summary: 'b' }, { id, k: 0, summary: 'c' }]));
    const { path } = await steps.run(rouge, { ...input, stem: true, metric: 'rouge1.fmeasure' });
    const lines = (await readFile(path('scores'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { candidate: number; k: number });
    assert.deepEqual(lines.map((line) => [line.candidate, line.k]), [[0, 3], [1, 1], [2, 0]]);
    const bad = await files(jsonl([{ id, k: -1, summary: 'a' }]));
    await assert.rejects(steps.run(rouge, { ...bad, stem: true, metric: 'rouge1.fmeasure' }), /candidates\.jsonl:1: field "k" must be a non-negative integer, found -1/);
  });
});
