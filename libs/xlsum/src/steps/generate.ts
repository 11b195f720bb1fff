import { resolve } from 'node:path';
import { createRng, defineStep } from '@veriflow/step-api';
import { engineEnvironment, initStepEngine } from '@veriflow/ml/engine';
import { sampleSequences } from '@veriflow/ml/seq2seq';
import { readXlsumFile } from '../data/read-file.js';
import { encodeJsonl } from '../model/candidates-file.js';
import type { CandidateRow } from '../model/candidates-file.js';
import { articleIds, readSummariser } from '../model/summariser.js';

export const generate = defineStep({
  name: 'xlsum/generate',
  version: '1',
  environment: engineEnvironment,
  description:
    'Writes K candidate summaries per article with an xlsum/train model by seeded sampling at a temperature, each with the model\'s per-token log-probabilities (the Candidates format; logprob / tokens is the self-selection score).',
  execution: 'worker',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['model', 'articles'],
    properties: {
      model: { type: 'string', description: 'The model output of xlsum/train.' },
      articles: { type: 'string', description: 'Articles JSONL to summarise (e.g. the pool or test split of xlsum/load).' },
      samples: { type: 'integer', minimum: 1, default: 4, description: 'Candidates per article (K).' },
      temperature: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'Sampling temperature (the recorded log-probabilities are the model\'s own, at 1).' },
      max_tokens: { type: 'integer', minimum: 1, description: 'Most tokens per candidate, EOS included. Default: the model\'s max_summary_tokens + 1.' },
      limit: { type: 'integer', minimum: 1, description: 'Summarise only the first `limit` articles. Default: all.' },
      seed: { type: 'integer', minimum: 0, description: 'Sampling seed; default: the instance\'s seed. Candidate k of an article depends only on the seed, the article id and k.' },
      batch_size: { type: 'integer', minimum: 1, default: 64, description: 'Sequences (articles × K) decoded per forward pass.' },
      device: { enum: ['auto', 'cpu', 'gpu'], default: 'auto', description: 'Tensor engine (see xlsum/train).' },
    },
  },
  outputs: {
    candidates: { kind: 'artifact', description: 'JSONL, one { id, k, summary, tokens, logprob, token_logprobs } a candidate, by article then k.' },
    count: { kind: 'number', description: 'Candidates written.' },
    articles: { kind: 'number' },
    finished_rate: { kind: 'number', description: 'Share of candidates that ended with EOS within max_tokens.' },
    mean_tokens: { kind: 'number' },
    mean_logprob_per_token: { kind: 'number', description: 'Mean of logprob / tokens over the candidates.' },
    tokens_per_second: { kind: 'number', description: 'Generated tokens per second of this run.' },
    engine: { kind: 'string' },
  },
}).run(async (ctx) => {
  const w = ctx.with;
  const engine = await initStepEngine(ctx, w.device);
  const articlesPath = resolve(ctx.workflowDir, w.articles);
  const [loaded, all] = await Promise.all([readSummariser(resolve(ctx.workflowDir, w.model)), readXlsumFile(articlesPath)]);
  const { model, tokenizer, text } = loaded;
  try {
    const rows = all.slice(0, w.limit ?? all.length);
    const seed = w.seed ?? ctx.seed;
    const root = createRng(seed).fork('sampling');
    const started = performance.now();
    const samples = await sampleSequences(
      model,
      rows.map((row) => articleIds(tokenizer, row, text)),
      {
        samples: w.samples,
        temperature: w.temperature,
        maxLength: w.max_tokens ?? text.maxSummaryTokens + 1,
        rngFor: (input, k) => root.fork(`${rows[input]!.id}/${k}`),
        batchSize: w.batch_size,
        signal: ctx.signal,
        onBatch: (done) => ctx.progress(done / rows.length),
      },
    );
    const seconds = (performance.now() - started) / 1000;
    const candidates: CandidateRow[] = samples.flatMap((row, i) =>
      row.map((s, k) => ({
        id: rows[i]!.id,
        k,
        summary: tokenizer.decode(s.tokens),
        tokens: s.tokenLogProbs.length,
        logprob: s.tokenLogProbs.reduce((a, b) => a + b, 0),
        token_logprobs: s.tokenLogProbs,
      })),
    );
    await ctx.writeBytes('candidates', encodeJsonl(candidates));
    const generated = candidates.reduce((n, c) => n + c.tokens, 0);
    const finished = samples.flat().filter((s) => s.finished).length;
    const meanLogprob = candidates.reduce((sum, c) => sum + c.logprob / Math.max(1, c.tokens), 0) / Math.max(1, candidates.length);
    ctx.log.info(`${candidates.length} candidates for ${rows.length} articles in ${seconds.toFixed(1)} s (${(generated / seconds).toFixed(0)} tokens/s), e.g. "${candidates[0]?.summary ?? ''}"`);
    return {
      count: candidates.length,
      articles: rows.length,
      finished_rate: finished / Math.max(1, candidates.length),
      mean_tokens: generated / Math.max(1, candidates.length),
      mean_logprob_per_token: meanLogprob,
      tokens_per_second: seconds > 0 ? generated / seconds : 0,
      engine: engine.label,
    };
  } finally {
    model.dispose();
  }
});
