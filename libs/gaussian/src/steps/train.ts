import { defineStep } from '@veriflow/step-api';
import { logistic, meanEstimator, ridge } from '../math/index.js';
import { readKept } from '../artifacts/kept-file.js';
import { MODEL_FORMAT } from '../artifacts/model-file.js';
import type { ModelFile } from '../artifacts/model-file.js';

export const train = defineStep({
  name: 'gaussian/train',
  version: '1',
  description: 'A linear classifier on kept pairs: mean (Σ y\'x), ridge (closed form) or L2 logistic regression (Newton with line search).',
  execution: 'worker',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['data'],
    properties: {
      data: { type: 'string', description: 'The kept output of gaussian/verify, or the train output of gaussian/sample.' },
      estimator: { enum: ['mean', 'ridge', 'logistic'], default: 'ridge' },
      lambda: { type: 'number', minimum: 0, default: 0.001, description: 'L2 penalty.' },
      ridge_scaling: { enum: ['kept', 'none'], default: 'kept', description: 'kept: (XᵀX + λ·m·I)w = Xᵀy\' (the same strength whatever m); none: (XᵀX + λI)w = Xᵀy\'.' },
      tolerance: { type: 'number', exclusiveMinimum: 0, default: 1e-8, description: 'logistic: stop when the gradient norm is below this.' },
      max_iterations: { type: 'integer', minimum: 1, default: 100, description: 'logistic: give up after this many Newton steps.' },
    },
  },
  outputs: {
    model: { kind: 'artifact', description: 'The weights w of sign(wᵀx) (JSON).' },
    trained_on: { kind: 'number', description: 'Pairs the model was trained on.' },
  },
}).run(async (ctx) => {
  const { estimator, lambda } = ctx.with;
  const { stats, rows } = await readKept(ctx.with.data);
  let w: Float64Array;
  let extra: Pick<ModelFile, 'iterations' | 'converged'> = {};
  if (estimator === 'logistic') {
    if (!rows) throw new Error('logistic regression needs the kept rows: set keep_rows: true on the gaussian/verify step');
    const result = logistic(rows, lambda, { tol: ctx.with.tolerance, maxIter: ctx.with.max_iterations });
    result.lossHistory.forEach((loss, step) => ctx.metrics.log('loss', loss, step));
    ctx.metrics.log('gradient_norm', result.gradientNorm);
    if (!result.converged) ctx.log.warn(`logistic regression did not converge in ${result.iterations} iterations (gradient norm ${result.gradientNorm.toExponential(2)})`);
    w = result.w;
    extra = { iterations: result.iterations, converged: result.converged };
  } else {
    w = estimator === 'mean' ? meanEstimator(stats) : ridge(stats, lambda, { scaling: ctx.with.ridge_scaling });
  }
  if (stats.kept === 0) ctx.log.warn('the verifier kept nothing: the model is w = 0 (accuracy 0.5)');
  const model: ModelFile = { format: MODEL_FORMAT, estimator, lambda, w: Array.from(w), trained_on: stats.kept, ...extra };
  await ctx.writeJson('model', model);
  ctx.metrics.log('trained_on', stats.kept);
  return { trained_on: stats.kept };
});
