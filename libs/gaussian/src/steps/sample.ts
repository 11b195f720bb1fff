import { defineStep } from '@veriflow/step-api';
import type { Rng } from '@veriflow/step-api';
import { encodeTensor, fillNormal, gemvT, symmetrizeFromUpper, syrkAccumulate } from '@veriflow/ml';
import { applyRoot, bayesAccuracy, emptyStatistics, mahalanobisNorm, meanVector, muNormForBayesAccuracy, randomDirection, scaleToNorm, validateCell } from '../math/index.js';
import type { Covariance, Distribution } from '../math/index.js';
import { encodeKept } from '../artifacts/kept-file.js';
import { PROBLEM_FORMAT, problemGeometry } from '../artifacts/problem-file.js';
import type { CovarianceFile, ProblemFile } from '../artifacts/problem-file.js';

/**
 * n real pairs (x, y) as one row-major block plus labels. Mixture: y uniform in ±1, x = yμ + Lz with
 * Σ = L² (L = I without covariance). Halfspace: x = z, y = sign(w*ᵀx) (sign(0) = +1), w* = mu.
 */
export function sampleRealRows(
  mu: Float64Array,
  n: number,
  rng: Rng,
  options: { covariance?: Covariance | undefined; distribution?: Distribution | undefined } = {},
): { x: Float64Array; y: Float64Array } {
  const d = mu.length;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  fillNormal(rng, x);
  const cov = options.covariance;
  for (let i = 0; i < n; i++) {
    if (cov !== undefined) x.set(applyRoot(cov, x.subarray(i * d, (i + 1) * d), 1), i * d);
    if (options.distribution === 'halfspace') {
      let score = 0;
      for (let j = 0; j < d; j++) score += x[i * d + j]! * mu[j]!;
      y[i] = score >= 0 ? 1 : -1;
      continue;
    }
    const label = rng.uniform() < 0.5 ? -1 : 1;
    y[i] = label;
    for (let j = 0; j < d; j++) x[i * d + j] = x[i * d + j]! + label * mu[j]!;
  }
  return { x, y };
}

/** The `covariance` input of gaussian/sample. */
interface CovarianceInput {
  readonly kind: 'identity' | 'diagonal' | 'spiked';
  readonly values?: readonly number[];
  readonly strength?: number;
  readonly direction?: 'mu' | 'random';
}

/** Σ as recorded in the problem file (undefined for identity); v of a spiked Σ along μ or seeded random. */
function resolveCovariance(input: CovarianceInput | undefined, dim: number, muDirection: Float64Array, rng: Rng): CovarianceFile | undefined {
  if (input === undefined || input.kind === 'identity') return undefined;
  if (input.kind === 'diagonal') {
    const values = input.values;
    if (values === undefined) throw new Error('covariance kind diagonal needs values, the d variances');
    if (values.length !== dim) throw new Error(`covariance kind diagonal has ${values.length} values but dim = ${dim}`);
    return { kind: 'diagonal', values: [...values] };
  }
  if (input.strength === undefined) throw new Error('covariance kind spiked needs strength (Σ = I + strength·vvᵀ)');
  const direction = input.direction ?? 'mu';
  const v = direction === 'mu' ? Array.from(muDirection) : Array.from(randomDirection(dim, rng));
  return { kind: 'spiked', strength: input.strength, direction, v };
}

export const sample = defineStep({
  name: 'gaussian/sample',
  version: '1',
  description:
    'The real data: y uniform in ±1, x | y ~ N(y·μ, Σ) (Σ = I_d unless covariance is given), or with distribution: halfspace, x ~ N(0, I_d) and y = sign(w*ᵀx) (Bayes accuracy 1; w* is written as mu). Writes μ, a real test set and an optional small real training set. The phase-transition theory (p* = φ/(φ+ψ)) is about the mixture; the halfspace variant is there to test it beyond its assumptions.',
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
      distribution: {
        enum: ['mixture', 'halfspace'],
        description:
          'mixture (default): the paper\'s model above. halfspace: x ~ N(0, I_d), y = sign(w*ᵀx) with unit w* (direction as for μ; mu holds w*): noiseless labels, Bayes accuracy 1, accuracy of sign(wᵀx) = 1 − θ/π. Not with mu_norm, bayes_accuracy or covariance. Verifiers simulate it by row streaming or exactly by projection (method auto or projected), never by the exact-statistics path.',
      },
      covariance: {
        type: 'object',
        additionalProperties: false,
        required: ['kind'],
        description:
          'Noise covariance Σ of the mixture (default identity). diagonal: Σ = diag(values). spiked: Σ = I + strength·vvᵀ, v = μ/‖μ‖ (direction mu, default) or a seeded random unit vector. Bayes accuracy becomes Φ(√(μᵀΣ⁻¹μ)) and a model\'s accuracy Φ(wᵀμ/√(wᵀΣw)); simulations stay exact by whitening.',
        properties: {
          kind: { enum: ['identity', 'diagonal', 'spiked'] },
          values: { type: 'array', items: { type: 'number', exclusiveMinimum: 0 }, description: 'diagonal: the d variances.' },
          strength: { type: 'number', exclusiveMinimum: -1, description: 'spiked: Σ = I + strength·vvᵀ (> −1 keeps Σ positive definite).' },
          direction: { enum: ['mu', 'random'], description: 'spiked: v along μ (default) or uniformly random (seeded).' },
        },
      },
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
  const distribution = ctx.with.distribution ?? 'mixture';
  let problem: ProblemFile;
  if (distribution === 'halfspace') {
    if (ctx.with.mu_norm !== undefined || ctx.with.bayes_accuracy !== undefined) throw new Error('the halfspace variant has a unit normal w* and Bayes accuracy 1: drop mu_norm and bayes_accuracy');
    if (ctx.with.covariance !== undefined && ctx.with.covariance.kind !== 'identity') throw new Error('the halfspace variant has identity covariance');
    const wStar = meanVector(dim, 1, ctx.rng.fork('mu'), direction);
    problem = { format: PROBLEM_FORMAT, dim, mu: Array.from(wStar), mu_norm: 1, bayes_accuracy: 1, direction, distribution };
  } else {
    const covariance = resolveCovariance(ctx.with.covariance, dim, meanVector(dim, 1, ctx.rng.fork('mu'), direction), ctx.rng.fork('covariance'));
    if (covariance === undefined) {
      const muNorm = ctx.with.mu_norm ?? (ctx.with.bayes_accuracy !== undefined ? muNormForBayesAccuracy(ctx.with.bayes_accuracy) : 1.555);
      const mu = meanVector(dim, muNorm, ctx.rng.fork('mu'), direction);
      problem = { format: PROBLEM_FORMAT, dim, mu: Array.from(mu), mu_norm: muNorm, bayes_accuracy: bayesAccuracy(muNorm), direction };
    } else {
      // ‖μ‖ = mu_norm, or scaled so that the Bayes accuracy Φ(√(μᵀΣ⁻¹μ)) is the one asked for.
      const unit = meanVector(dim, 1, ctx.rng.fork('mu'), direction);
      const geometry = problemGeometry({ format: PROBLEM_FORMAT, dim, mu: Array.from(unit), mu_norm: 1, bayes_accuracy: 0.5, direction, covariance });
      const muNorm =
        ctx.with.bayes_accuracy !== undefined ? muNormForBayesAccuracy(ctx.with.bayes_accuracy) / mahalanobisNorm(geometry.covariance, unit) : (ctx.with.mu_norm ?? 1.555);
      const mu = scaleToNorm(unit, muNorm);
      validateCell({ mu, n: 0, generator: { kind: 'flip', p: 0 }, verifier: { kind: 'oracle' }, covariance: geometry.covariance });
      problem = { format: PROBLEM_FORMAT, dim, mu: Array.from(mu), mu_norm: muNorm, bayes_accuracy: bayesAccuracy(mahalanobisNorm(geometry.covariance, mu)), direction, covariance };
    }
  }
  await ctx.writeJson('problem', problem);
  const { mu, ...geometry } = problemGeometry(problem);
  const muNorm = problem.mu_norm;

  const test = sampleRealRows(mu, nTest, ctx.rng.fork('test'), geometry);
  const table = new Float32Array(nTest * (dim + 1));
  for (let i = 0; i < nTest; i++) {
    table.set(test.x.subarray(i * dim, (i + 1) * dim), i * (dim + 1));
    table[i * (dim + 1) + dim] = test.y[i]!;
  }
  await ctx.writeBytes('test', encodeTensor(table, [nTest, dim + 1], { kind: 'veriflow.gaussian.test/1', label_column: dim }));

  // Real training pairs are "kept pairs whose labels are all correct", so gaussian/train reads them as is.
  const train = sampleRealRows(mu, nTrain, ctx.rng.fork('train'), geometry);
  const stats = emptyStatistics(dim, nTrain);
  Object.assign(stats, { correct: nTrain, keptCorrect: nTrain, kept: nTrain });
  syrkAccumulate(stats.xtx, train.x, nTrain, dim);
  symmetrizeFromUpper(stats.xtx, dim);
  gemvT(train.x, nTrain, dim, train.y, stats.xty);
  await ctx.writeBytes('train', encodeKept(stats, nTrain > 0 ? { dim, count: nTrain, x: train.x, y: train.y, trueY: Int8Array.from(train.y) } : undefined));
  ctx.log.info(`${distribution}${problem.covariance ? ` (${problem.covariance.kind} covariance)` : ''}: ‖μ‖ = ${muNorm.toFixed(4)}, Bayes accuracy ${problem.bayes_accuracy.toFixed(4)}, ${nTest} test and ${nTrain} training pairs in d = ${dim}`);
  return { mu_norm: muNorm, bayes_accuracy: problem.bayes_accuracy };
});
