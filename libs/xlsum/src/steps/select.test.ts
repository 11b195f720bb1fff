import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { stepTester } from '@veriflow/steps-core';
import { select } from './select.js';

const steps = stepTester();
after(steps.cleanup);

const jsonl = (rows: object[]): string => rows.map((row) => `${JSON.stringify(row)}\n`).join('');

/** One candidate of the hand-checked pool: its correctness, ROUGE-1 F1, and self and judge log-likelihoods per token. */
interface Row {
  id: string;
  k: number;
  correct: boolean;
  rouge: number;
  self: number;
  judge: number;
}

/**
 * Three articles, two candidates each, three correct and three wrong (generator error 1/2). The bests
 * per article: oracle a0 .9, b1 .8, c0 .7; self a1 −0.5, b1 −1.5, c0 −0.2; judge a1 −1, b0 −0.5, c1 −0.1.
 */
const HAND: Row[] = [
  { id: 'a', k: 0, correct: true, rouge: 0.9, self: -1, judge: -3 },
  { id: 'a', k: 1, correct: false, rouge: 0.2, self: -0.5, judge: -1 },
  { id: 'b', k: 0, correct: false, rouge: 0.3, self: -2, judge: -0.5 },
  { id: 'b', k: 1, correct: true, rouge: 0.8, self: -1.5, judge: -2 },
  { id: 'c', k: 0, correct: true, rouge: 0.7, self: -0.2, judge: -4 },
  { id: 'c', k: 1, correct: false, rouge: 0.1, self: -3, judge: -0.1 },
];

const article = (id: string) => ({ id, url: `https://news.example/${id}`, title: `title ${id}`, summary: `reference ${id}`, text: `text of ${id}` });
const rougeOf = (value: number) => ({ precision: value, recall: value, fmeasure: value });

async function files(rows: readonly Row[], options: { judge?: boolean; tokens?: number } = {}) {
  const t = await steps.context({ with: {} });
  const path = (name: string) => join(t.ctx.workdir, name);
  const tokens = options.tokens ?? 4;
  await writeFile(path('candidates.jsonl'), jsonl(rows.map((r) => ({ id: r.id, k: r.k, summary: `summary ${r.id}${r.k}`, tokens, logprob: r.self * tokens, token_logprobs: Array.from({ length: tokens }, () => r.self) }))));
  await writeFile(path('scores.jsonl'), jsonl(rows.map((r) => ({ id: r.id, candidate: r.k, k: r.k, summary: `summary ${r.id}${r.k}`, scores: { rouge1: rougeOf(r.rouge), rouge2: rougeOf(r.rouge / 2), rougeL: rougeOf(r.rouge), rougeLsum: rougeOf(r.rouge) }, correct: r.correct }))));
  await writeFile(path('articles.jsonl'), jsonl([...new Set(rows.map((r) => r.id))].map(article)));
  if (options.judge !== false) await writeFile(path('judge.jsonl'), jsonl(rows.map((r) => ({ id: r.id, k: r.k, tokens: 2, logprob: r.judge * 2 }))));
  return {
    candidates: path('candidates.jsonl'),
    scores: path('scores.jsonl'),
    articles: path('articles.jsonl'),
    ...(options.judge !== false ? { judge: path('judge.jsonl') } : {}),
  };
}

const base = { metric: 'rouge1.fmeasure' as const };

describe('xlsum/select', () => {
  it('measures φ, ψ and p* by hand on a tiny pool, per selector', async () => {
    const input = await files(HAND);
    const run = async (selector: 'oracle' | 'self' | 'judge', budget: number) => (await steps.run(select, { ...input, ...base, selector, budget })).outputs;
    // Budget 2/3 keeps round(2) articles.
    const oracle = await run('oracle', 2 / 3); // a0, b1: both correct
    assert.deepEqual([oracle.kept_count, oracle.phi, oracle.psi, oracle.p_star, oracle.generator_error], [2, 2 / 3, 0, 1, 0.5]);
    assert.equal(oracle.kept_rouge, (0.9 + 0.8) / 2);
    const self = await run('self', 2 / 3); // c0 (correct), a1 (wrong)
    assert.deepEqual([self.phi, self.psi, self.p_star], [1 / 3, 1 / 3, 0.5]);
    const judge = await run('judge', 2 / 3); // c1, b0: both wrong
    assert.deepEqual([judge.phi, judge.psi, judge.p_star], [0, 2 / 3, 0]);
    const all = await run('oracle', 1); // a0, b1, c0
    assert.deepEqual([all.kept_count, all.articles, all.candidates, all.phi, all.psi, all.keep_rate], [3, 3, 6, 1, 0, 0.5]);
    assert.deepEqual([all.selector, all.budget, all.metric, all.threshold], ['oracle', 1, 'rouge1.fmeasure', null]);
  });

  it('writes the training set as XL-Sum rows in pool order with the chosen summary, k and selector', async () => {
    const input = await files(HAND);
    const { path } = await steps.run(select, { ...input, ...base, selector: 'self', budget: 2 / 3 });
    const rows = (await readFile(path('selection'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as object);
    assert.deepEqual(rows, [
      { ...article('a'), summary: 'summary a1', k: 1, selector: 'self' },
      { ...article('c'), summary: 'summary c0', k: 0, selector: 'self' },
    ]);
  });

  it('on a large seeded pool: the oracle\'s p* is 1, random\'s near 1/2, and the same seed draws the same set', async () => {
    const rng = createRng(11);
    const rows: Row[] = [];
    for (let a = 0; a < 1500; a++) {
      for (let k = 0; k < 4; k++) {
        const rouge = rng.uniform();
        rows.push({ id: `n${a}`, k, correct: rouge >= 0.5, rouge, self: -rng.uniform(), judge: -rng.uniform() });
      }
    }
    const input = await files(rows, { judge: false });
    const oracle = (await steps.run(select, { ...input, ...base, selector: 'oracle', budget: 0.25, threshold: 0.5 })).outputs;
    assert.equal(oracle.p_star, 1);
    assert.equal(oracle.threshold, 0.5);
    assert.equal(oracle.kept_count, 375);
    const random = await steps.run(select, { ...input, ...base, selector: 'random', budget: 0.25, seed: 5 });
    assert.ok(Math.abs((random.outputs.p_star as number) - 0.5) < 0.05, `random p* ${random.outputs.p_star}`);
    assert.ok(Math.abs((random.outputs.generator_error as number) - 0.5) < 0.03);
    const again = await steps.run(select, { ...input, ...base, selector: 'random', budget: 0.25, seed: 5 });
    const other = await steps.run(select, { ...input, ...base, selector: 'random', budget: 0.25, seed: 6 });
    const selection = async (r: typeof random) => readFile(r.path('selection'), 'utf8');
    assert.equal(await selection(again), await selection(random));
    assert.notEqual(await selection(other), await selection(random));
  });

  it('selector judge without the judge input fails naming the input', async () => {
    const input = await files(HAND, { judge: false });
    await assert.rejects(steps.run(select, { ...input, ...base, selector: 'judge', budget: 0.5 }), /selector judge needs the `judge` input/);
  });

  it('a candidate missing from the judge or scores file, or a stranger in one, names both files', async () => {
    const input = await files(HAND);
    await writeFile(input.judge!, jsonl(HAND.slice(1).map((r) => ({ id: r.id, k: r.k, tokens: 2, logprob: r.judge }))));
    await assert.rejects(steps.run(select, { ...input, ...base, selector: 'judge', budget: 0.5 }), (error: Error) => {
      assert.match(error.message, /candidates\.jsonl:1: id "a", k 0 has no line in .*judge\.jsonl/);
      return true;
    });
    const strangers = await files(HAND);
    await writeFile(strangers.scores, (await readFile(strangers.scores, 'utf8')) + jsonl([{ id: 'z', k: 0, scores: { rouge1: rougeOf(1) }, correct: true }]));
    await assert.rejects(steps.run(select, { ...strangers, ...base, selector: 'oracle', budget: 0.5 }), /scores\.jsonl:7: id "z", k 0 is not a candidate in .*candidates\.jsonl/);
  });

  it('names the line and field of a malformed candidate, and a threshold that does not match the scores', async () => {
    const input = await files(HAND);
    await writeFile(input.candidates, jsonl([{ id: 'a', k: 0, summary: 's', tokens: 2, logprob: 'high' }]));
    await assert.rejects(steps.run(select, { ...input, ...base, selector: 'self', budget: 1 }), /candidates\.jsonl:1: field "logprob" must be a finite number, found a string/);
    const mismatch = await files(HAND);
    await assert.rejects(
      steps.run(select, { ...mismatch, ...base, selector: 'oracle', budget: 1, threshold: 0.75 }),
      /id "c", k 0 has rouge1\.fmeasure 0\.7 and correct true, which does not match threshold 0\.75/,
    );
  });

  it('ranks an empty candidate (0 tokens) last under self-selection', async () => {
    const input = await files(HAND, { tokens: 0 });
    await writeFile(input.candidates, jsonl(HAND.map((r) => ({ id: r.id, k: r.k, summary: '', tokens: r.k === 0 ? 0 : 1, logprob: r.k === 0 ? 0 : -9 }))));
    const { path } = await steps.run(select, { ...input, ...base, selector: 'self', budget: 1 });
    const ks = (await readFile(path('selection'), 'utf8')).trim().split('\n').map((line) => (JSON.parse(line) as { k: number }).k);
    assert.deepEqual(ks, [1, 1, 1]);
  });
});
