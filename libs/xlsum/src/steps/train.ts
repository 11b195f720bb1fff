import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '@veriflow/durable-fs';
import { createRng, defineStep } from '@veriflow/step-api';
import { engineEnvironment, initStepEngine } from '@veriflow/ml/engine';
import { LossWindow, Transformer, encodeCheckpoint, trainLoop } from '@veriflow/ml/seq2seq';
import type { OptimizerState, Trainer } from '@veriflow/ml/seq2seq';
import { readXlsumFile } from '../data/read-file.js';
import { Tokenizer, UNK_ID } from '../model/tokenizer.js';
import { SUMMARY_SOURCES, XLSUM_MODEL, readSummariser, summaryPair } from '../model/summariser.js';
import type { SummariserText } from '../model/summariser.js';

export const train = defineStep({
  name: 'xlsum/train',
  version: '1',
  environment: engineEnvironment,
  description:
    'Trains the embedded summariser (the shared seq2seq transformer on tfjs, no Python) from article to summary on an Articles JSONL (real summaries, or a selection of synthesized ones); a word-level tokenizer built from the training data; Adam with warm-up and cosine decay; a resumable checkpoint.',
  execution: 'worker',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['data'],
    properties: {
      data: { type: 'string', description: 'Articles JSONL (xlsum/load split or xlsum/select output): trained on text → summary.' },
      limit: { type: 'integer', minimum: 1, description: 'Use only the first `limit` articles. Default: all.' },
      source: {
        enum: SUMMARY_SOURCES,
        default: 'text',
        description: 'What the encoder reads: the article text, its title, or nothing (a language model of summaries: a judge of fluency, not of faithfulness).',
      },
      vocab_size: { type: 'integer', minimum: 8, default: 4000, description: 'Most vocabulary entries (4 reserved), by count in the training texts and summaries.' },
      min_count: { type: 'integer', minimum: 1, default: 2, description: 'Rarer tokens become <unk>.' },
      max_source_tokens: { type: 'integer', minimum: 1, default: 64, description: 'Article tokens the encoder reads (the lead sentence comes first).' },
      max_summary_tokens: { type: 'integer', minimum: 1, default: 40, description: 'Summary tokens trained on and generated at most (EOS excluded).' },
      dim: { type: 'integer', minimum: 8, default: 64, description: 'Model width.' },
      heads: { type: 'integer', minimum: 1, default: 4 },
      encoder_layers: { type: 'integer', minimum: 1, default: 2 },
      decoder_layers: { type: 'integer', minimum: 1, default: 2 },
      norm: { enum: ['post', 'pre'], default: 'pre', description: 'LayerNorm placement.' },
      steps: { type: 'integer', minimum: 1, default: 600, description: 'Optimisation steps (the schedule\'s length).' },
      epochs: { type: 'number', exclusiveMinimum: 0, description: 'When given, overrides `steps`: epochs × articles / batch_size steps.' },
      batch_size: { type: 'integer', minimum: 1, default: 32 },
      lr: { type: 'number', exclusiveMinimum: 0, default: 0.001, description: 'Peak learning rate.' },
      warmup: { type: 'integer', minimum: 0, default: 100, description: 'Linear warm-up steps.' },
      min_lr_fraction: { type: 'number', minimum: 0, maximum: 1, default: 0.05, description: 'The cosine decays to this share of lr at the last step.' },
      clip: { type: 'number', minimum: 0, default: 1, description: 'Global gradient-norm clip; 0: none.' },
      seed: { type: 'integer', minimum: 0, description: 'Initialisation and shuffling seed; default: the instance\'s seed.' },
      device: { enum: ['auto', 'cpu', 'gpu'], default: 'auto', description: 'Tensor engine: auto (native bindings if installed, else wasm), cpu, gpu.' },
      log_every: { type: 'integer', minimum: 1, default: 10, description: 'Steps per logged loss point (the mean over them).' },
      checkpoint_every: { type: 'integer', minimum: 1, default: 250, description: 'Steps between checkpoints; an interrupted run of the same instance resumes from the last one.' },
      resume: { type: 'string', description: 'A model output of an interrupted xlsum/train with the same settings: continue from its step and optimizer state.' },
    },
  },
  outputs: {
    model: { kind: 'artifact', description: 'Checkpoint with its vocabulary: weights, Adam state and step (VFT1 "veriflow.xlsum.model/1").' },
    final_loss: { kind: 'number', description: 'Mean training loss (per summary token) over the last log window.' },
    steps: { kind: 'number' },
    articles: { kind: 'number', description: 'Training articles.' },
    vocabulary: { kind: 'number', description: 'Vocabulary size.' },
    unknown_rate: { kind: 'number', description: 'Share of summary tokens that are <unk> in the training data.' },
    parameters: { kind: 'number' },
    samples_per_second: { kind: 'number', description: 'Training throughput of this run.' },
    engine: { kind: 'string', description: 'The tensor backend used.' },
  },
}).run(async (ctx) => {
  const w = ctx.with;
  const engine = await initStepEngine(ctx, w.device);

  const dataPath = resolve(ctx.workflowDir, w.data);
  const all = await readXlsumFile(dataPath);
  if (w.limit !== undefined && w.limit > all.length) throw new Error(`limit: ${w.limit} articles asked for, but ${dataPath} holds ${all.length}`);
  const rows = all.slice(0, w.limit ?? all.length);
  const seed = w.seed ?? ctx.seed;
  const totalSteps = w.epochs !== undefined ? Math.max(1, Math.ceil((w.epochs * rows.length) / w.batch_size)) : w.steps;

  // An earlier attempt of this very instance left its last checkpoint here; an explicit `resume` input wins.
  const ownCheckpoint = join(ctx.checkpointDir, 'model.vft');
  const resumeFrom = w.resume !== undefined ? resolve(ctx.workflowDir, w.resume) : (existsSync(ownCheckpoint) ? ownCheckpoint : undefined);
  let model: Transformer;
  let tokenizer: Tokenizer;
  let resume: OptimizerState | undefined;
  if (resumeFrom !== undefined) {
    const loaded = await readSummariser(resumeFrom);
    ({ model, tokenizer } = loaded);
    resume = loaded.optimizer;
    ctx.log.info(`resuming from step ${loaded.meta.step} of ${resumeFrom === ownCheckpoint ? 'this instance\'s last checkpoint' : resumeFrom}`);
  } else {
    tokenizer = Tokenizer.build(
      rows.flatMap((row) => [row.text, row.title, row.summary]),
      { maxSize: w.vocab_size, minCount: w.min_count },
    );
    const maxLen = Math.max(w.max_source_tokens, w.max_summary_tokens + 1);
    model = new Transformer({ dim: w.dim, heads: w.heads, encoderLayers: w.encoder_layers, decoderLayers: w.decoder_layers, maxLen, vocab: tokenizer.size, norm: w.norm }, seed);
  }
  const text: SummariserText = { vocabulary: tokenizer.tokens, source: w.source, maxSourceTokens: w.max_source_tokens, maxSummaryTokens: w.max_summary_tokens };
  const pairs = rows.map((row) => summaryPair(tokenizer, row, row.summary, text));
  const summaryTokens = pairs.reduce((n, p) => n + p.target.length, 0);
  const unknownRate = pairs.reduce((n, p) => n + p.target.filter((id) => id === UNK_ID).length, 0) / Math.max(1, summaryTokens);
  const parameters = model.parameterCount;
  const training = {
    text,
    articles: rows.length,
    steps: totalSteps,
    batch_size: w.batch_size,
    lr: w.lr,
    warmup: w.warmup,
    clip: w.clip,
    engine: { name: engine.label, gpu: engine.gpu, detail: engine.detail },
  };
  ctx.log.info(`${rows.length} articles, vocabulary ${tokenizer.size} (${(100 * unknownRate).toFixed(2)}% of summary tokens <unk>), ${parameters} parameters, ${totalSteps} steps of ${w.batch_size}`);

  const snapshot = (trainer: Trainer) => encodeCheckpoint(model, { kind: XLSUM_MODEL, seed, trainer, training });
  const losses = new LossWindow(ctx.metrics, w.log_every, totalSteps);
  let result;
  try {
    result = await trainLoop(model, pairs, {
      lr: w.lr,
      warmup: w.warmup,
      totalSteps,
      minLrFraction: w.min_lr_fraction,
      clip: w.clip,
      batchSize: w.batch_size,
      rng: createRng(seed).fork('batches'),
      signal: ctx.signal,
      ...(resume ? { resume } : {}),
      onStep: async ({ step, loss, lr }, trainer) => {
        const done = step + 1;
        losses.add(done, loss, lr);
        // An atomic replace, so a kill never leaves half a checkpoint.
        if (done % w.checkpoint_every === 0 && done !== totalSteps) await writeFileAtomic(ownCheckpoint, await snapshot(trainer));
        ctx.progress(done / totalSteps);
      },
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
  try {
    await ctx.writeBytes('model', await snapshot(result.trainer));
  } finally {
    result.trainer.dispose();
    model.dispose();
  }
  const throughput = result.seconds > 0 ? result.samples / result.seconds : 0;
  ctx.log.info(`${result.steps} steps in ${result.seconds.toFixed(1)} s (${throughput.toFixed(0)} articles/s); final loss ${losses.last.toFixed(4)}`);
  return {
    final_loss: losses.last,
    steps: totalSteps,
    articles: rows.length,
    vocabulary: tokenizer.size,
    unknown_rate: unknownRate,
    parameters,
    samples_per_second: throughput,
    engine: engine.label,
  };
});
