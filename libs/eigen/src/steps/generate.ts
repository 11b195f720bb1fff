import { defineStep } from '@veriflow/step-api';
import { engineEnvironment, initStepEngine } from '@veriflow/ml/engine';
import { candidatesHeader, encodeCandidates } from '../artifacts/candidates-file.js';
import type { CandidateSet } from '../artifacts/candidates-file.js';
import { readMatrices } from '../artifacts/matrices-file.js';
import { matrixIds } from '../artifacts/training-pairs.js';
import { encodedLength } from '../encoding/p1000.js';
import { beamSearch, readCheckpoint } from '@veriflow/ml/seq2seq';
import { EIGEN_MODEL } from '../model/model-kind.js';

export const generate = defineStep({
  name: 'eigen/generate',
  // 2: the engine's fused native kernels round differently, so cached results of version 1 are not reused.
  version: '2',
  environment: engineEnvironment,
  description: 'Beam search with a trained eigenvalue transformer: up to `beam` candidate spectra per input matrix, scored by summed token log-probability.',
  execution: 'worker',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['model', 'data'],
    properties: {
      model: { type: 'string', description: 'The model output of eigen/train.' },
      data: { type: 'string', description: 'Matrices to label (data output of eigen/sample).' },
      beam: { type: 'integer', minimum: 1, default: 4, description: 'Candidates per input (1: greedy).' },
      batch_size: { type: 'integer', minimum: 1, default: 64, description: 'Hypotheses decoded per forward pass (inputs × beam).' },
      device: { enum: ['auto', 'cpu', 'gpu'], default: 'auto', description: 'Tensor engine (see eigen/train).' },
    },
  },
  outputs: {
    candidates: { kind: 'artifact', description: 'Candidates per input ("veriflow.eigen.candidates/1").' },
    count: { kind: 'number' },
    finished_rate: { kind: 'number', description: 'Share of candidates that ended with </s> within the length limit.' },
    engine: { kind: 'string' },
  },
}).run(async (ctx) => {
  const { beam, batch_size: batchSize } = ctx.with;
  const engine = await initStepEngine(ctx, ctx.with.device);
  const [loaded, data] = await Promise.all([readCheckpoint(ctx.with.model, EIGEN_MODEL), readMatrices(ctx.with.data)]);
  const { model, meta } = loaded;
  try {
    const trainedDim = (meta.training as { dim?: unknown } | undefined)?.dim;
    if (typeof trainedDim === 'number' && trainedDim !== data.dim) throw new Error(`data: ${data.dim}×${data.dim} matrices, but the model was trained on ${trainedDim}×${trainedDim}`);
    const inputs = Array.from({ length: data.count }, (_, i) => matrixIds(data, i));
    const started = performance.now();
    const out = await beamSearch(model, inputs, beam, {
      maxLength: encodedLength(data.dim, 1) + 1,
      batchSize,
      signal: ctx.signal,
      onBatch: (done) => ctx.progress(done / data.count),
    });
    const seconds = (performance.now() - started) / 1000;
    const sets: CandidateSet[] = out.map((hyps, index) => ({ index, candidates: hyps.map((h) => ({ tokens: h.tokens, score: h.score })) }));
    const total = out.reduce((n, hyps) => n + hyps.length, 0);
    const finished = out.reduce((n, hyps) => n + hyps.filter((h) => h.finished).length, 0);
    const generator = { model: 'eigen/transformer', config: meta.config, step: meta.step, seed: meta.seed, beam, engine: engine.label };
    await ctx.writeBytes('candidates', encodeCandidates({ header: candidatesHeader(data.dim, beam, sets.length, generator), inputs: sets }));
    const finishedRate = total > 0 ? finished / total : 0;
    ctx.metrics.log('finished_rate', finishedRate);
    ctx.log.info(`${data.count} inputs, beam ${beam}: ${total} candidates in ${seconds.toFixed(1)} s (${(data.count / Math.max(seconds, 1e-9)).toFixed(1)} inputs/s)`);
    return { count: data.count, finished_rate: finishedRate, engine: engine.label };
  } finally {
    model.dispose();
  }
});
