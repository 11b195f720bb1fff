import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@veriflow/durable-fs';
import { createRng, defineStep } from '@veriflow/step-api';
import { engineEnvironment, initEngine, warnOnEngineMismatch } from '@veriflow/ml/engine';
import { readMatrices } from '../artifacts/matrices-file.js';
import type { MatrixSet } from '../artifacts/matrices-file.js';
import { readSelection } from '../artifacts/selection-file.js';
import { eigenvaluesAt } from '../artifacts/matrices-file.js';
import { matrixIds, realTrainingPairs, selectedTrainingPairs } from '../artifacts/training-pairs.js';
import { decodeVector, encodedLength } from '../encoding/p1000.js';
import { VOCABULARY_SIZE } from '../encoding/vocabulary.js';
import { relativeL1Error } from '../math/tolerance.js';
import { LossWindow, Transformer, encodeCheckpoint, greedyDecode, readCheckpoint, trainLoop } from '@veriflow/ml/seq2seq';
import type { OptimizerState, SequencePair, TransformerConfig } from '@veriflow/ml/seq2seq';
import { EIGEN_MODEL } from '../model/model-kind.js';

/** The tolerances validation reports, with their metric names (those of eigen/evaluate). */
const VALIDATION_TOLERANCES = [
  { tolerance: 0.01, metric: 'val_accuracy' },
  { tolerance: 0.02, metric: 'val_accuracy_2pct' },
  { tolerance: 0.05, metric: 'val_accuracy_5pct' },
] as const;

/** Top-1 (greedy) accuracy at each of `tolerances` on the first `limit` matrices of `set`. */
export async function greedyAccuracy(model: Transformer, set: MatrixSet, limit: number, tolerances: readonly number[] = [0.01], signal?: AbortSignal): Promise<number[]> {
  const n = Math.min(limit, set.count);
  if (n === 0) return tolerances.map(() => 0);
  const inputs = Array.from({ length: n }, (_, i) => matrixIds(set, i));
  const out = await greedyDecode(model, inputs, { maxLength: encodedLength(set.dim, 1) + 1, ...(signal ? { signal } : {}) });
  const errors = out.map((h, i) => relativeL1Error(decodeVector(h.tokens, set.dim), eigenvaluesAt(set, i)));
  return tolerances.map((tolerance) => errors.filter((e) => e < tolerance).length / n);
}

export const train = defineStep({
  name: 'eigen/train',
  // 2: the engine's fused native kernels round differently, so cached results of version 1 are not reused.
  version: '2',
  environment: engineEnvironment,
  description:
    'Trains the eigenvalue transformer (post-LN encoder–decoder after LAWT, hand-written on tfjs) on real pairs (data) or on a verifier\'s selection of synthesized labels; Adam with warm-up and cosine decay, gradient clipping; writes a resumable checkpoint.',
  execution: 'worker',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['data'],
    properties: {
      data: { type: 'string', description: 'Matrices (data output of eigen/sample). Without `selection`: trained on with their true eigenvalues. With it: the matrices the selection indexes.' },
      selection: { type: 'string', description: 'A selection (eigen/verify output): train on its kept, synthesized labels instead of the true ones.' },
      limit: {
        type: 'integer',
        minimum: 1,
        description:
          'Use only the first `limit` matrices of `data` (with `selection`: the verifier\'s decisions on them), i.e. a synthesized set of this size before verification. Default: all.',
      },
      real: { type: 'string', description: 'Optional extra matrices (eigen/sample output) whose true pairs are added to the training set.' },
      validation: { type: 'string', description: 'Matrices (eigen/sample output) for the periodic greedy accuracy at 1%.' },
      validation_size: { type: 'integer', minimum: 1, default: 200, description: 'Validation matrices decoded per evaluation.' },
      eval_every: { type: 'integer', minimum: 1, default: 250, description: 'Steps between validation evaluations (and at the end).' },
      dim: { type: 'integer', minimum: 8, default: 64, description: 'Model width (LAWT: 512).' },
      heads: { type: 'integer', minimum: 1, default: 2, description: 'Attention heads (LAWT: 8).' },
      encoder_layers: { type: 'integer', minimum: 1, default: 2, description: 'LAWT: 6.' },
      decoder_layers: { type: 'integer', minimum: 1, default: 1, description: 'LAWT: 1.' },
      norm: { enum: ['post', 'pre'], default: 'post', description: 'LayerNorm placement: post (LAWT) or pre.' },
      steps: { type: 'integer', minimum: 1, default: 2000, description: 'Optimisation steps (the schedule\'s length).' },
      epochs: { type: 'number', exclusiveMinimum: 0, description: 'When given, overrides `steps`: epochs × pairs / batch_size steps.' },
      batch_size: { type: 'integer', minimum: 1, default: 32, description: 'LAWT: 64.' },
      lr: { type: 'number', exclusiveMinimum: 0, default: 0.0005, description: 'Peak learning rate (LAWT: 1e-4 at dim 512).' },
      warmup: { type: 'integer', minimum: 0, default: 100, description: 'Linear warm-up steps.' },
      min_lr_fraction: { type: 'number', minimum: 0, maximum: 1, default: 0.05, description: 'The cosine decays to this share of lr at the last step.' },
      clip: { type: 'number', minimum: 0, default: 5, description: 'Global gradient-norm clip; 0: none (LAWT: 5).' },
      seed: { type: 'integer', minimum: 0, description: 'Initialisation and shuffling seed; default: the instance\'s seed.' },
      device: { enum: ['auto', 'cpu', 'gpu'], default: 'auto', description: 'Tensor engine: auto (native GPU/CPU bindings if installed, else wasm), cpu, gpu (fails without one).' },
      log_every: { type: 'integer', minimum: 1, default: 10, description: 'Steps per logged loss point (the mean over them).' },
      checkpoint_every: { type: 'integer', minimum: 1, default: 500, description: 'Steps between checkpoints; an interrupted run of the same instance resumes from the last one. The model output is written at the end.' },
      resume: { type: 'string', description: 'A model output of an interrupted eigen/train with the same settings: continue from its step and optimizer state.' },
    },
  },
  outputs: {
    model: { kind: 'artifact', description: 'Checkpoint: weights, Adam state and step (VFT1 "veriflow.eigen.model/1").' },
    final_loss: { kind: 'number', description: 'Mean training loss over the last log window.' },
    steps: { kind: 'number' },
    pairs: { kind: 'number', description: 'Training pairs.' },
    parameters: { kind: 'number' },
    samples_per_second: { kind: 'number', description: 'Training throughput of this run.' },
    val_accuracy: { kind: 'json', description: 'Last greedy validation accuracy at 1%; null without validation.' },
    engine: { kind: 'string', description: 'The tensor backend used.' },
  },
}).run(async (ctx) => {
  const w = ctx.with;
  const engine = await initEngine({ device: w.device });
  ctx.log.info(`engine: ${engine.detail}; ${engine.kernels.join('; ')}`);
  warnOnEngineMismatch(ctx, w.device, engine.label);

  const data = await readMatrices(w.data);
  const pairs: SequencePair[] = [];
  if (w.limit !== undefined && w.limit > data.count) throw new Error(`limit: ${w.limit} matrices asked for, but data holds ${data.count}`);
  const limit = w.limit ?? data.count;
  if (w.selection !== undefined) pairs.push(...selectedTrainingPairs(await readSelection(w.selection), data, limit));
  else pairs.push(...realTrainingPairs(data, limit));
  if (w.real !== undefined) {
    const real = await readMatrices(w.real);
    if (real.dim !== data.dim) throw new Error(`real: ${real.dim}×${real.dim} matrices, but data holds ${data.dim}×${data.dim}`);
    pairs.push(...realTrainingPairs(real));
  }
  if (pairs.length === 0) throw new Error(`no training pairs: the selection keeps none of the ${limit} matrices`);
  const validation = w.validation === undefined ? undefined : await readMatrices(w.validation);
  if (validation && validation.dim !== data.dim) throw new Error(`validation: ${validation.dim}×${validation.dim} matrices, but data holds ${data.dim}×${data.dim}`);

  const seed = w.seed ?? ctx.seed;
  const totalSteps = w.epochs !== undefined ? Math.max(1, Math.ceil((w.epochs * pairs.length) / w.batch_size)) : w.steps;
  const maxLen = Math.max(encodedLength(data.dim, data.dim), encodedLength(data.dim, 1) + 1);
  let model: Transformer;
  let resume: OptimizerState | undefined;
  // An earlier attempt or run of this very instance (same inputs and settings) that was interrupted left
  // its last checkpoint here; an explicit `resume` input wins.
  const ownCheckpoint = join(ctx.checkpointDir, 'model.vft');
  const resumeFrom = w.resume ?? (existsSync(ownCheckpoint) ? ownCheckpoint : undefined);
  if (resumeFrom !== undefined) {
    const loaded = await readCheckpoint(resumeFrom, EIGEN_MODEL);
    model = loaded.model;
    resume = loaded.optimizer;
    ctx.log.info(`resuming from step ${loaded.meta.step} of ${resumeFrom === ownCheckpoint ? 'this instance\'s last checkpoint' : resumeFrom}`);
  } else {
    const config: TransformerConfig = { dim: w.dim, heads: w.heads, encoderLayers: w.encoder_layers, decoderLayers: w.decoder_layers, maxLen, vocab: VOCABULARY_SIZE, norm: w.norm };
    model = new Transformer(config, seed);
  }
  const parameters = model.parameterCount;
  const training = {
    pairs: pairs.length,
    dim: data.dim,
    labels: w.selection === undefined ? 'real' : 'selection',
    steps: totalSteps,
    batch_size: w.batch_size,
    lr: w.lr,
    warmup: w.warmup,
    clip: w.clip,
    engine: { name: engine.label, gpu: engine.gpu, detail: engine.detail },
  };
  ctx.log.info(`${pairs.length} pairs (${training.labels} labels), ${model.parameterCount} parameters, ${totalSteps} steps of ${w.batch_size}`);

  const losses = new LossWindow(ctx.metrics, w.log_every, totalSteps);
  let valAccuracy: number | null = null;
  const snapshot = (trainer: Parameters<typeof encodeCheckpoint>[1]['trainer']) => encodeCheckpoint(model, { kind: EIGEN_MODEL, seed, ...(trainer ? { trainer } : {}), training });
  const save = async (trainer: Parameters<typeof encodeCheckpoint>[1]['trainer']) => ctx.writeBytes('model', await snapshot(trainer));
  // Periodic checkpoints go where a later attempt finds them; an atomic replace, so a kill never leaves half a file.
  const checkpoint = async (trainer: Parameters<typeof encodeCheckpoint>[1]['trainer']) => writeFileAtomic(ownCheckpoint, await snapshot(trainer));
  const validate = async (step: number) => {
    if (!validation) return;
    const accuracies = await greedyAccuracy(model, validation, w.validation_size, VALIDATION_TOLERANCES.map((t) => t.tolerance), ctx.signal);
    VALIDATION_TOLERANCES.forEach(({ metric }, i) => ctx.metrics.log(metric, accuracies[i]!, step));
    valAccuracy = accuracies[0]!;
    const shown = VALIDATION_TOLERANCES.map(({ tolerance }, i) => `${(100 * accuracies[i]!).toFixed(1)}% at ${tolerance * 100}%`).join(', ');
    ctx.log.info(`step ${step}: validation accuracy ${shown} (greedy, ${Math.min(w.validation_size, validation.count)} matrices)`);
  };
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
        if (done % w.eval_every === 0 && done !== totalSteps) await validate(done);
        if (done % w.checkpoint_every === 0 && done !== totalSteps) await checkpoint(trainer);
        ctx.progress(done / totalSteps);
      },
    });
  } catch (error) {
    model.dispose();
    throw error;
  }
  try {
    await validate(totalSteps);
    await save(result.trainer);
  } finally {
    result.trainer.dispose();
    model.dispose();
  }
  const throughput = result.seconds > 0 ? result.samples / result.seconds : 0;
  ctx.log.info(`${result.steps} steps in ${result.seconds.toFixed(1)} s (${throughput.toFixed(0)} samples/s); final loss ${losses.last.toFixed(4)}`);
  return {
    final_loss: losses.last,
    steps: totalSteps,
    pairs: pairs.length,
    parameters,
    samples_per_second: throughput,
    val_accuracy: valAccuracy,
    engine: engine.label,
  };
});
