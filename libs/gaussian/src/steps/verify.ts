import { defineStep } from '@veriflow/step-api';
import { predictedRates, rateEstimates, simulateCell, simulationMethodFor, streamKeptRows, validateCell } from '../math/index.js';
import type { CellConfig } from '../math/index.js';
import { encodeKept } from '../artifacts/kept-file.js';
import { problemGeometry } from '../artifacts/problem-file.js';
import { readSynthesized } from '../artifacts/synthesized-file.js';
import { verifierSchema } from '../schema/labelling-schemas.js';
import { generatorOf, resolveVerifier, verifierLabel } from '../schema/resolve-labelling.js';

/** NaN (an empty denominator) becomes null: a number users compare on must never be NaN. */
const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

export const verify = defineStep({
  name: 'gaussian/verify',
  version: '1',
  description:
    'Keeps or drops each synthesized pair with a verifier (or, with top-k, keeps exactly the k best-scored pairs: a selection budget), and measures φ, ψ, p* = φ/(φ+ψ) and the generator error on them. Works for the mixture (any covariance) and the halfspace variant; the phase-transition theorem is about the mixture.',
  execution: 'worker',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['data', 'verifier'],
    properties: {
      data: { type: 'string', description: 'The data output of gaussian/synthesize.' },
      verifier: verifierSchema,
      method: {
        enum: ['auto', 'exact', 'projected', 'stream'],
        default: 'auto',
        description:
          'How the kept set is drawn; all are exact in distribution. auto: sufficient statistics directly when the verifier ignores x (O(d³)), else the rows projected on the few directions that matter (also for the halfspace variant and top-k); stream: every row (top-k: two passes). exact does not apply to the halfspace variant or to verifiers that look at x. A covariance is whitened on every path.',
      },
      keep_rows: { type: 'boolean', default: false, description: 'Also keep the rows themselves (logistic regression needs them; memory grows with n).' },
    },
  },
  outputs: {
    kept: { kind: 'artifact', description: 'The kept pairs: their sufficient statistics, and the rows with keep_rows.' },
    kept_count: { kind: 'number' },
    phi: { kind: 'json', description: 'Measured P(kept | label correct); null without correct labels.' },
    psi: { kind: 'json', description: 'Measured P(kept | label wrong); null without wrong labels.' },
    p_star: { kind: 'json', description: 'Measured breakdown point φ/(φ+ψ).' },
    generator_error: { kind: 'number', description: 'Measured share of wrong labels among the synthesized pairs.' },
    p_star_predicted: { kind: 'number', description: 'The breakdown point the theory predicts for this verifier and generator.' },
    verifier: { kind: 'string', description: 'The verifier\'s label.' },
  },
}).run(async (ctx) => {
  const data = await readSynthesized(ctx.with.data);
  const { mu, covariance, distribution } = problemGeometry(data.problem);
  const verifier = await resolveVerifier(ctx.with.verifier, mu, data.generator, data.n);
  const cell: CellConfig = { mu, n: data.n, generator: generatorOf(data.generator), verifier, covariance, distribution };
  validateCell(cell);
  // A verifier that keeps nothing has no breakdown point and leaves nothing to train on: say so up front.
  const predicted = predictedRates(cell);
  if (!Number.isFinite(predicted.pStar)) {
    throw new Error(`verifier ${verifierLabel(ctx.with.verifier)} keeps no pairs, so it has no breakdown point and leaves nothing to train on; give it a positive budget or keep rate`);
  }
  const rng = ctx.rng;
  const method = ctx.with.keep_rows ? 'stream' : simulationMethodFor(cell, ctx.with.method);
  if (method === 'exact' && distribution === 'halfspace') throw new Error('method exact does not apply to the halfspace variant (its labels depend on x): use auto, projected or stream');
  ctx.log.info(`verifying ${data.n} pairs in d = ${data.problem.dim} with ${verifierLabel(ctx.with.verifier)} (${method})`);
  const { stats, rows } = ctx.with.keep_rows ? streamKeptRows(cell, rng) : { stats: simulateCell(cell, rng, method), rows: undefined };
  ctx.signal.throwIfAborted();
  const rates = rateEstimates(stats);
  await ctx.writeBytes('kept', encodeKept(stats, rows));
  const metrics: Record<string, number> = { phi: rates.phiHat, psi: rates.psiHat, p_star: rates.pStarHat, generator_error: rates.pHat, kept: stats.kept, p_star_predicted: predicted.pStar };
  for (const [key, value] of Object.entries(metrics)) if (Number.isFinite(value)) ctx.metrics.log(key, value);
  return {
    kept_count: stats.kept,
    phi: finiteOrNull(rates.phiHat),
    psi: finiteOrNull(rates.psiHat),
    p_star: finiteOrNull(rates.pStarHat),
    generator_error: Number.isFinite(rates.pHat) ? rates.pHat : data.generator_error,
    p_star_predicted: predicted.pStar,
    verifier: verifierLabel(ctx.with.verifier),
  };
});
