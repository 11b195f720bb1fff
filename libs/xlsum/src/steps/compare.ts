import { resolve } from 'node:path';
import { defineStep } from '@veriflow/step-api';
import { carrySchema, withCarried } from '@veriflow/steps-core';
import { readJsonlFile } from '../data/read-file.js';
import { parseObject, stringField } from '../data/fields.js';
import { metricField, ROUGE_METRICS } from '../data/metric-field.js';
import { pairedDifference } from '../rouge/paired.js';

const SCORES = 'a ROUGE scores file written by xlsum/rouge ({ id, scores, ... } a line)';

/** Each article's `metric` scores (one per candidate) in a scores file. */
async function readArticleScores(file: string, metric: string): Promise<Map<string, number[]>> {
  const rows = await readJsonlFile(file, SCORES, (line, n) => {
    const source = { where: `${file}:${n}`, what: SCORES };
    const record = parseObject(line, source);
    return { id: stringField(record, 'id', source), score: metricField(record, metric, source) };
  });
  const byArticle = new Map<string, number[]>();
  for (const { id, score } of rows) {
    const scores = byArticle.get(id);
    if (scores) scores.push(score);
    else byArticle.set(id, [score]);
  }
  return byArticle;
}

export const compare = defineStep({
  name: 'xlsum/compare',
  version: '1',
  description:
    'Compares two models scored by xlsum/rouge on the same articles, paired by article: the mean difference of `metric` (scores − baseline), its standard error and the interval delta ± z·se, so a claim can say "beats" or "is not above" at the test set\'s noise rather than on a difference of means that a different summation order can flip.',
  execution: 'worker',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['scores', 'baseline'],
    properties: {
      scores: { type: 'string', description: 'xlsum/rouge\'s `scores` of the model compared.' },
      baseline: { type: 'string', description: 'xlsum/rouge\'s `scores` of the baseline on the same articles (an article with several candidates scores their mean).' },
      metric: { enum: ROUGE_METRICS, default: 'rouge1.fmeasure', description: 'The ROUGE score compared.' },
      z: { type: 'number', exclusiveMinimum: 0, default: 1.96, description: 'Half-width of the interval in standard errors (1.96: 95% two-sided under the normal approximation).' },
      carry: carrySchema,
    },
  },
  outputs: {
    articles: { kind: 'number', description: 'Articles compared.' },
    delta: { kind: 'number', description: 'Mean over articles of `metric` minus the baseline\'s.' },
    delta_se: { kind: 'number', description: 'Standard error of delta (paired).' },
    delta_low: { kind: 'number', description: 'delta − z·se: above 0, the model beats the baseline.' },
    delta_high: { kind: 'number', description: 'delta + z·se: below 0, the baseline beats the model.' },
    metric: { kind: 'string' },
  },
}).run(async (ctx) => {
  const at = (path: string): string => resolve(ctx.workflowDir, path);
  const [scores, baseline] = await Promise.all([readArticleScores(at(ctx.with.scores), ctx.with.metric), readArticleScores(at(ctx.with.baseline), ctx.with.metric)]);
  let paired;
  try {
    paired = pairedDifference(scores, baseline);
  } catch (error) {
    throw new Error(`xlsum/compare: ${at(ctx.with.scores)} against ${at(ctx.with.baseline)}: ${(error as Error).message}`);
  }
  const { articles, delta, se } = paired;
  const [low, high] = [delta - ctx.with.z * se, delta + ctx.with.z * se];
  ctx.log.info(`${ctx.with.metric}: ${delta >= 0 ? '+' : ''}${delta.toFixed(4)} ± ${(ctx.with.z * se).toFixed(4)} (se ${se.toFixed(4)}, ${articles} articles) against the baseline`);
  return withCarried({ articles, delta, delta_se: se, delta_low: low, delta_high: high, metric: ctx.with.metric }, ctx.with.carry);
});
