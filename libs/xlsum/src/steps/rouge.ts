import { resolve } from 'node:path';
import { defineStep } from '@veriflow/step-api';
import { binarize, carrySchema, withCarried } from '@veriflow/steps-core';
import { readJsonlFile, readXlsumFile } from '../data/read-file.js';
import { optionalCountField, parseObject } from '../data/fields.js';
import { ROUGE_METRICS } from '../data/metric-field.js';
import { parseStringFields } from '../data/row.js';
import { RougeScorer } from '../rouge/scorer.js';
import type { RougeScores } from '../rouge/scorer.js';

const CANDIDATES = 'a candidates file (JSONL, one { id, summary } a line; XL-Sum rows qualify)';

/** One scored candidate, as a line of the `scores` output. */
interface ScoredCandidate {
  readonly id: string;
  /** Its position among the candidates of the same article (0, 1, ... in file order). */
  readonly candidate: number;
  /** The candidate's own `k` when its line has one (a generate step's candidates file), else `candidate`: xlsum/select joins on (id, k). */
  readonly k: number;
  readonly summary: string;
  readonly scores: RougeScores;
  readonly correct: boolean;
}

export const rouge = defineStep({
  name: 'xlsum/rouge',
  version: '2',
  description:
    'Scores candidate summaries against their articles\' reference summaries with ROUGE-1/2/L/Lsum (as rouge-score 0.1.2 does), and marks each candidate correct when a metric (default ROUGE-1 F1) reaches a threshold (default: the median of the candidate pool), for the p* measurement of verifiers.',
  execution: 'worker',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['candidates', 'references'],
    properties: {
      candidates: { type: 'string', description: 'JSONL, one { id, summary } a line (several lines may share an id: K candidates per article; a `k` field is carried into the scores); relative to the workflow file.' },
      references: { type: 'string', description: 'XL-Sum JSONL whose `summary` is the reference of its `id`.' },
      stem: { type: 'boolean', default: true, description: 'Porter stemming (rouge-score\'s use_stemmer).' },
      metric: { enum: ROUGE_METRICS, default: 'rouge1.fmeasure', description: 'The score that decides correctness.' },
      threshold: { type: 'number', description: 'A candidate is correct when its metric is at least this; without it, the median of the metric over all candidates.' },
      carry: carrySchema,
    },
  },
  outputs: {
    scores: { kind: 'artifact', description: 'JSONL, one { id, candidate, k, summary, scores: { rouge1: { precision, recall, fmeasure }, ... }, correct } a candidate, in input order.' },
    candidates: { kind: 'number' },
    rouge1: { kind: 'number', description: 'Mean ROUGE-1 F1 over the candidates.' },
    rouge2: { kind: 'number', description: 'Mean ROUGE-2 F1.' },
    rougeL: { kind: 'number', description: 'Mean ROUGE-L F1.' },
    rougeLsum: { kind: 'number', description: 'Mean ROUGE-Lsum F1.' },
    threshold: { kind: 'number', description: 'The threshold used (the median when none was given).' },
    correct_fraction: { kind: 'number', description: 'Fraction of candidates marked correct.' },
  },
}).run(async (ctx) => {
  const candidatesPath = resolve(ctx.workflowDir, ctx.with.candidates);
  const referencesPath = resolve(ctx.workflowDir, ctx.with.references);
  const references = new Map((await readXlsumFile(referencesPath)).map((row) => [row.id, row.summary]));
  const candidates = await readJsonlFile(candidatesPath, CANDIDATES, (line, n) => {
    const row = parseStringFields(line, candidatesPath, n, ['id', 'summary'], CANDIDATES);
    if (!references.has(row.id)) throw new Error(`${candidatesPath}:${n}: id "${row.id}" has no reference in ${referencesPath}`);
    const source = { where: `${candidatesPath}:${n}`, what: CANDIDATES };
    return { ...row, k: optionalCountField(parseObject(line, source), 'k', source) };
  });
  const scorer = new RougeScorer({ stem: ctx.with.stem });
  const seen = new Map<string, number>();
  const scored = candidates.map((row, i) => {
    if (i % 256 === 0) {
      ctx.signal.throwIfAborted();
      ctx.progress(i / candidates.length);
    }
    const candidate = seen.get(row.id) ?? 0;
    seen.set(row.id, candidate + 1);
    return { id: row.id, candidate, k: row.k ?? candidate, summary: row.summary, scores: scorer.score(references.get(row.id)!, row.summary) };
  });
  const [type, field] = ctx.with.metric.split('.') as [keyof RougeScores, 'fmeasure' | 'precision' | 'recall'];
  const { correct, threshold } = binarize(
    scored.map((s) => s.scores[type][field]),
    ctx.with.threshold ?? 'median',
  );
  const lines = scored.map((s, i): ScoredCandidate => ({ ...s, correct: correct[i]! }));
  await ctx.writeBytes('scores', Buffer.from(lines.map((line) => `${JSON.stringify(line)}\n`).join('')));
  const mean = (t: keyof RougeScores): number => scored.reduce((sum, s) => sum + s.scores[t].fmeasure, 0) / scored.length;
  const correctCount = correct.filter(Boolean).length;
  ctx.log.info(`${scored.length} candidates for ${seen.size} articles: ROUGE-1 F1 ${mean('rouge1').toFixed(4)}; ${correctCount} correct (${ctx.with.metric} ≥ ${threshold})`);
  const own = {
    candidates: scored.length,
    rouge1: mean('rouge1'),
    rouge2: mean('rouge2'),
    rougeL: mean('rougeL'),
    rougeLsum: mean('rougeLsum'),
    threshold: threshold!,
    correct_fraction: correctCount / scored.length,
  };
  return withCarried(own, ctx.with.carry);
});
