import { defineStep } from '@veriflow/step-api';
import { mahalanobisNorm, predictedLimitAccuracy, predictedRates, verifierIgnoresX } from '../math/index.js';
import { problemGeometry, readProblem } from '../artifacts/problem-file.js';
import { generatorSchema, verifierSchema } from '../schema/labelling-schemas.js';
import { generatorOf, resolveGenerator, resolveVerifier, verifierLabel } from '../schema/resolve-labelling.js';

export const theory = defineStep({
  name: 'gaussian/theory',
  version: '1',
  description: 'What the theory predicts for a generator and verifier: φ, ψ, the breakdown point p* = φ/(φ+ψ) and the limiting accuracy.',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['problem', 'generator', 'verifier'],
    properties: {
      problem: { type: 'string', description: 'The problem output of gaussian/sample.' },
      generator: generatorSchema,
      verifier: verifierSchema,
    },
  },
  outputs: {
    phi: { kind: 'number' },
    psi: { kind: 'number' },
    p_star: { kind: 'number', description: 'Predicted breakdown point.' },
    generator_error: { kind: 'number' },
    limit_accuracy: {
      kind: 'json',
      description: 'Accuracy as data grows: Bayes below p*, 1 − Bayes above. Null where the theorem does not apply (a generator or verifier that looks at x biases the kept set).',
    },
    beats_generator: { kind: 'json', description: 'Whether training on verified data ends above the generator (null where limit_accuracy is).' },
    verifier: { kind: 'string' },
  },
}).run(async (ctx) => {
  const problem = await readProblem(ctx.with.problem);
  const { mu, covariance, distribution } = problemGeometry(problem);
  const generator = await resolveGenerator(ctx.with.generator, mu);
  // top-k enters the prediction through its share k/n: here only a fraction means something.
  if (ctx.with.verifier.kind === 'top-k' && ctx.with.verifier.fraction === undefined) throw new Error('gaussian/theory: give a top-k verifier a fraction (k alone depends on n)');
  const n = 1_000_000;
  const verifier = await resolveVerifier(ctx.with.verifier, mu, generator, n);
  const rates = predictedRates({ mu, n, generator: generatorOf(generator), verifier, covariance, distribution });
  // The phase-transition theorem covers label noise independent of x, on the mixture; elsewhere we predict p* only.
  // With Σ, ridge/logistic tend to ±Σ⁻¹μ, hence Φ(±√(μᵀΣ⁻¹μ)).
  const theoremApplies = generator.kind === 'flip' && verifierIgnoresX(verifier) && distribution === 'mixture';
  const limit = theoremApplies ? predictedLimitAccuracy(rates.p, rates.pStar, covariance ? mahalanobisNorm(covariance, mu) : problem.mu_norm) : null;
  // Rates of 0/0 (a verifier that keeps nothing) have no breakdown point; say so rather than emit NaN.
  if (!Number.isFinite(rates.pStar)) throw new Error(`the verifier ${verifierLabel(ctx.with.verifier)} keeps nothing, so it has no breakdown point`);
  ctx.metrics.log('p_star', rates.pStar);
  return {
    phi: rates.phi,
    psi: rates.psi,
    p_star: rates.pStar,
    generator_error: rates.p,
    limit_accuracy: limit,
    beats_generator: limit === null ? null : limit > 1 - rates.p,
    verifier: verifierLabel(ctx.with.verifier),
  };
});
