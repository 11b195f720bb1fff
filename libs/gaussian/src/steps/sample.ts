import { defineStep } from '@veriflow/step-api';
import type { Rng } from '@veriflow/step-api';
import { encodeTensor, fillNormal, gemvT, symmetrizeFromUpper, syrkAccumulate } from '@veriflow/ml';
import { emptyStatistics } from '../math/index.js';
import { bayesAccuracy, meanVector, muNormForBayesAccuracy } from '../math/index.js';
import { encodeKept } from '../artifacts/kept-file.js';
import { PROBLEM_FORMAT } from '../artifacts/problem-file.js';
import type { ProblemFile } from '../artifacts/problem-file.js';

/** n real pairs (x, y), y uniform in ±1, x = yμ + z, as one row-major block plus labels. */
export function sampleRealRows(mu: Float64Array, n: number, rng: Rng): { x: Float64Array; y: Float64Array } {
  const d = mu.length;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  fillNormal(rng, x);
  for (let i = 0; i < n; i++) {
    const label = rng.uniform() < 0.5 ? -1 : 1;
    y[i] = label;
    for (let j = 0; j < d; j++) x[i * d + j] = x[i * d + j]! + label * mu[j]!;
  }
  return { x, y };
}

export const sample = defineStep({
  name: 'gaussian/sample',
  version: '1',
  description: 'The real data: y uniform in ±1, x | y ~ N(y·μ, I_d). Writes μ, a real test set and an optional small real training set.',
  with: {
    type: 'object',
    additionalProperties: false,
    properties: {
      dim: { type: 'integer', minimum: 2, default: 200, description: 'Dimension d.' },
      mu_norm: { type: 'number', exclusiveMinimum: 0, description: '‖μ‖ (default 1.555, Bayes accuracy ≈ 0.94). Give this or bayes_accuracy.' },
      bayes_accuracy: { type: 'number', exclusiveMinimum: 0.5, exclusiveMaximum: 1, description: 'Sets ‖μ‖ = Φ⁻¹(accuracy).' },
      direction: { enum: ['random', 'e1'], default: 'random', description: 'Direction of μ: seeded random, or the first axis.' },
      n_test: { type: 'integer', minimum: 0, default: 10000, description: 'Real test pairs.' },
      n_train: { type: 'integer', minimum: 0, default: 0, description: 'Real training pairs (e.g. to train a linear generator with gaussian/train).' },
    },
  },
  outputs: {
    problem: { kind: 'artifact', description: 'μ and the mixture (JSON).' },
    test: { kind: 'artifact', description: 'Real test pairs: float32 tensor [n_test, d+1], label in the last column.' },
    train: { kind: 'artifact', description: 'Real training pairs, in the format gaussian/train reads.' },
    mu_norm: { kind: 'number' },
    bayes_accuracy: { kind: 'number' },
  },
}).run(async (ctx) => {
  const { dim, direction, n_test: nTest, n_train: nTrain } = ctx.with;
  if (ctx.with.mu_norm !== undefined && ctx.with.bayes_accuracy !== undefined) throw new Error('give mu_norm or bayes_accuracy, not both');
  const muNorm = ctx.with.mu_norm ?? (ctx.with.bayes_accuracy !== undefined ? muNormForBayesAccuracy(ctx.with.bayes_accuracy) : 1.555);
  const mu = meanVector(dim, muNorm, ctx.rng.fork('mu'), direction);
  const problem: ProblemFile = { format: PROBLEM_FORMAT, dim, mu: Array.from(mu), mu_norm: muNorm, bayes_accuracy: bayesAccuracy(muNorm), direction };
  await ctx.writeJson('problem', problem);

  const test = sampleRealRows(mu, nTest, ctx.rng.fork('test'));
  const table = new Float32Array(nTest * (dim + 1));
  for (let i = 0; i < nTest; i++) {
    table.set(test.x.subarray(i * dim, (i + 1) * dim), i * (dim + 1));
    table[i * (dim + 1) + dim] = test.y[i]!;
  }
  await ctx.writeBytes('test', encodeTensor(table, [nTest, dim + 1], { kind: 'veriflow.gaussian.test/1', label_column: dim }));

  // Real training pairs are "kept pairs whose labels are all correct", so gaussian/train reads them as is.
  const train = sampleRealRows(mu, nTrain, ctx.rng.fork('train'));
  const stats = emptyStatistics(dim, nTrain);
  Object.assign(stats, { correct: nTrain, keptCorrect: nTrain, kept: nTrain });
  syrkAccumulate(stats.xtx, train.x, nTrain, dim);
  symmetrizeFromUpper(stats.xtx, dim);
  gemvT(train.x, nTrain, dim, train.y, stats.xty);
  await ctx.writeBytes('train', encodeKept(stats, nTrain > 0 ? { dim, count: nTrain, x: train.x, y: train.y, trueY: Int8Array.from(train.y) } : undefined));
  ctx.log.info(`‖μ‖ = ${muNorm.toFixed(4)}, Bayes accuracy ${problem.bayes_accuracy.toFixed(4)}, ${nTest} test and ${nTrain} training pairs in d = ${dim}`);
  return { mu_norm: muNorm, bayes_accuracy: problem.bayes_accuracy };
});
