import { resolve } from 'node:path';
import { createRng, defineStep } from '@veriflow/step-api';
import { countOutcomes, measureRates } from '@veriflow/steps-core';
import { ROUGE_METRICS } from '../data/metric-field.js';
import { readXlsumFile } from '../data/read-file.js';
import { chooseBest } from '../select/choose.js';
import { readPool } from '../select/pool-files.js';
import type { PoolCandidate } from '../select/pool-files.js';
import { SELECTOR_DESCRIPTIONS, SELECTORS, selectorScores } from '../select/selectors.js';

/** A threshold given to the step must be the one the scores file was binarised with. */
function checkThreshold(pool: readonly PoolCandidate[], threshold: number, metric: string, scoresFile: string): void {
  const wrong = pool.find((candidate) => candidate.correct !== candidate.rouge >= threshold);
  if (wrong) {
    throw new Error(
      `${scoresFile}: id "${wrong.id}", k ${wrong.k} has ${metric} ${wrong.rouge} and correct ${wrong.correct}, which does not match threshold ${threshold}; pass the metric and threshold xlsum/rouge used (its threshold output), or leave threshold out`,
    );
  }
}

export const select = defineStep({
  name: 'xlsum/select',
  version: '1',
  description:
    'Chooses a training set from the synthesized summaries with a selector (oracle: ROUGE against the reference; judge: another model\'s length-normalised log-likelihood; self: the generator\'s own; random): per article its best candidate, then the best `budget` fraction of the articles. Measures φ, ψ, p* = φ/(φ+ψ) and the generator error over the whole pool, with xlsum/rouge\'s correctness.',
  execution: 'worker',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['candidates', 'scores', 'articles', 'selector', 'budget'],
    // Refused at plan time, per instance: a matrix over selectors must give the judge's file.
    if: { properties: { selector: { const: 'judge' } }, required: ['selector'] },
    then: { required: ['judge'] },
    properties: {
      candidates: { type: 'string', description: 'The generator\'s candidates: JSONL of { id, k, summary, tokens, logprob, token_logprobs }.' },
      scores: { type: 'string', description: 'xlsum/rouge\'s `scores` of the same candidates against their references (its `correct` decides φ and ψ).' },
      articles: { type: 'string', description: 'The synthesized pool\'s articles (XL-Sum JSONL): the training set keeps their url, title and text.' },
      judge: { type: 'string', description: 'Judge scores of the same candidates: JSONL of { id, k, tokens, logprob }. Needed by selector judge.' },
      selector: { enum: SELECTORS, description: Object.entries(SELECTOR_DESCRIPTIONS).map(([name, what]) => `${name}: ${what}`).join('; ') },
      budget: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'Fraction of the pool\'s articles kept (the paper: 0.125, 0.25, 0.5); rounded to the nearest article, halves up.' },
      metric: { enum: ROUGE_METRICS, default: 'rouge1.fmeasure', description: 'The ROUGE score the oracle ranks by and kept_rouge averages.' },
      threshold: { type: 'number', description: 'The threshold xlsum/rouge binarised `metric` with (its `threshold` output): checked against every line\'s `correct` and recorded beside p*.' },
      seed: { type: 'integer', minimum: 0, description: 'Seed of the random selector. Default: the instance\'s seed (from the workflow seed and the instance name).' },
    },
  },
  outputs: {
    selection: { kind: 'artifact', description: 'The training set: XL-Sum JSONL of the kept articles (pool order) with `summary` the chosen candidate, plus `k` and `selector`.' },
    kept_count: { kind: 'number', description: 'Articles (= training summaries) kept.' },
    articles: { kind: 'number', description: 'Articles with candidates (what the budget is a fraction of).' },
    candidates: { kind: 'number', description: 'Candidates in the pool (φ and ψ count over them all).' },
    phi: { kind: 'json', description: 'P(kept | correct) over the pool; null without correct candidates.' },
    psi: { kind: 'json', description: 'P(kept | incorrect) over the pool; null without incorrect candidates.' },
    p_star: { kind: 'json', description: 'Measured breakdown point φ/(φ+ψ); null when undefined.' },
    generator_error: { kind: 'json', description: 'Share of incorrect candidates in the pool.' },
    keep_rate: { kind: 'json', description: 'Kept / pool candidates.' },
    kept_rouge: { kind: 'number', description: 'Mean `metric` of the kept summaries against their references.' },
    threshold: { kind: 'json', description: 'The correctness threshold (the `threshold` given and checked), or null.' },
    metric: { kind: 'string' },
    selector: { kind: 'string' },
    budget: { kind: 'number' },
  },
}).run(async (ctx) => {
  const { selector, budget, metric } = ctx.with;
  const at = (path: string): string => resolve(ctx.workflowDir, path);
  if (selector === 'judge' && ctx.with.judge === undefined) {
    throw new Error('xlsum/select: selector judge needs the `judge` input (the judge step\'s scores of these candidates: { id, k, tokens, logprob } a line); add judge: ${{ steps.<judge step>.outputs.scores }}');
  }
  const judgeFile = ctx.with.judge === undefined ? undefined : at(ctx.with.judge);
  const pool = await readPool({ candidates: at(ctx.with.candidates), scores: at(ctx.with.scores), judge: judgeFile, metric });
  if (ctx.with.threshold !== undefined) checkThreshold(pool, ctx.with.threshold, metric, at(ctx.with.scores));
  const articles = await readXlsumFile(at(ctx.with.articles));
  const byId = new Map(articles.map((row) => [row.id, row]));
  const orphan = pool.find((candidate) => !byId.has(candidate.id));
  if (orphan) throw new Error(`${at(ctx.with.candidates)}: candidate id "${orphan.id}" has no article in ${at(ctx.with.articles)}; give the pool the candidates were generated from`);
  ctx.signal.throwIfAborted();

  const rng = ctx.with.seed === undefined ? ctx.rng.fork('random selector') : createRng(ctx.with.seed);
  const scores = selectorScores(selector, pool, rng);
  const choice = chooseBest(pool.map((candidate, i) => ({ id: candidate.id, k: candidate.k, score: scores[i]! })), budget);
  const rates = measureRates(countOutcomes(pool.map((candidate) => candidate.correct), choice.kept));

  const chosenById = new Map(choice.chosen.map((index) => [pool[index]!.id, pool[index]!]));
  const lines = articles
    .filter((row) => chosenById.has(row.id))
    .map((row) => {
      const chosen = chosenById.get(row.id)!;
      return `${JSON.stringify({ id: row.id, url: row.url, title: row.title, summary: chosen.summary, text: row.text, k: chosen.k, selector })}\n`;
    });
  await ctx.writeBytes('selection', Buffer.from(lines.join('')));

  const keptRouge = choice.chosen.reduce((sum, index) => sum + pool[index]!.rouge, 0) / choice.chosen.length;
  // A metric used for comparison is never NaN: undefined rates are simply not logged.
  const metrics: Record<string, number | null> = { phi: rates.phi, psi: rates.psi, p_star: rates.pStar, generator_error: rates.generatorError, kept_count: choice.chosen.length, kept_rouge: keptRouge };
  for (const [key, value] of Object.entries(metrics)) if (value !== null) ctx.metrics.log(key, value);
  const show = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(3));
  ctx.log.info(
    `${selector}, budget ${budget}: kept ${choice.chosen.length} of ${choice.articles} articles (${pool.length} candidates); φ̂ ${show(rates.phi)}, ψ̂ ${show(rates.psi)}, p̂* ${show(rates.pStar)}, generator error ${show(rates.generatorError)}; kept ${metric} ${keptRouge.toFixed(4)}`,
  );
  return {
    kept_count: choice.chosen.length,
    articles: choice.articles,
    candidates: pool.length,
    phi: rates.phi,
    psi: rates.psi,
    p_star: rates.pStar,
    generator_error: rates.generatorError,
    keep_rate: rates.keepRate,
    kept_rouge: keptRouge,
    threshold: ctx.with.threshold ?? null,
    metric,
    selector,
    budget,
  };
});
