import { resolve } from 'node:path';
import { defineStep } from '@veriflow/step-api';
import { engineEnvironment, initStepEngine } from '@veriflow/ml/engine';
import { scoreSequences } from '@veriflow/ml/seq2seq';
import { readXlsumFile } from '../data/read-file.js';
import { encodeJsonl, readCandidateSummaries } from '../model/candidates-file.js';
import type { JudgeScoreRow } from '../model/candidates-file.js';
import { readSummariser, summaryPair } from '../model/summariser.js';

export const judge = defineStep({
  name: 'xlsum/judge',
  version: '1',
  environment: engineEnvironment,
  description:
    'Scores given candidate summaries by their log-likelihood under an xlsum/train model conditioned on the article (teacher forcing, EOS included): the judge selector\'s scores, in the Judge scores format.',
  execution: 'worker',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['model', 'candidates', 'articles'],
    properties: {
      model: { type: 'string', description: 'The judge: a model output of xlsum/train.' },
      candidates: { type: 'string', description: 'Candidates JSONL ({ id, k, summary, ... } a line: xlsum/generate or the Python generate output).' },
      articles: { type: 'string', description: 'Articles JSONL holding every candidate\'s article (by id).' },
      batch_size: { type: 'integer', minimum: 1, default: 64, description: 'Candidates scored per forward pass.' },
      device: { enum: ['auto', 'cpu', 'gpu'], default: 'auto', description: 'Tensor engine (see xlsum/train).' },
    },
  },
  outputs: {
    scores: { kind: 'artifact', description: 'JSONL, one { id, k, tokens, logprob } a candidate, in input order (tokens: the judge\'s tokens, EOS included).' },
    count: { kind: 'number' },
    mean_logprob_per_token: { kind: 'number', description: 'Mean of logprob / tokens over the candidates.' },
    engine: { kind: 'string' },
  },
}).run(async (ctx) => {
  const w = ctx.with;
  const engine = await initStepEngine(ctx, w.device);
  const candidatesPath = resolve(ctx.workflowDir, w.candidates);
  const articlesPath = resolve(ctx.workflowDir, w.articles);
  const [loaded, articles, candidates] = await Promise.all([readSummariser(resolve(ctx.workflowDir, w.model)), readXlsumFile(articlesPath), readCandidateSummaries(candidatesPath)]);
  const { model, tokenizer, text } = loaded;
  try {
    const byId = new Map(articles.map((row) => [row.id, row]));
    const pairs = candidates.map((c, i) => {
      const article = byId.get(c.id);
      if (!article) throw new Error(`${candidatesPath}: candidate ${i + 1} (id "${c.id}") has no article in ${articlesPath}; pass the articles the candidates were generated from`);
      return summaryPair(tokenizer, article, c.summary, text);
    });
    const logprobs = await scoreSequences(model, pairs, { batchSize: w.batch_size, signal: ctx.signal, onBatch: (done) => ctx.progress(done / pairs.length) });
    const scores: JudgeScoreRow[] = candidates.map((c, i) => ({ id: c.id, k: c.k, tokens: logprobs[i]!.length, logprob: logprobs[i]!.reduce((a, b) => a + b, 0) }));
    await ctx.writeBytes('scores', encodeJsonl(scores));
    const mean = scores.reduce((sum, s) => sum + s.logprob / s.tokens, 0) / Math.max(1, scores.length);
    ctx.log.info(`${scores.length} candidates judged; mean log-likelihood per token ${mean.toFixed(4)}`);
    return { count: scores.length, mean_logprob_per_token: mean, engine: engine.label };
  } finally {
    model.dispose();
  }
});
