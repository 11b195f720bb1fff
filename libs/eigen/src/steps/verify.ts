import { defineStep } from '@veriflow/step-api';
import { readCandidates } from '../artifacts/candidates-file.js';
import { readMatrices } from '../artifacts/matrices-file.js';
import { encodeSelection, selectionHeader } from '../artifacts/selection-file.js';
import { checkTolerance } from '../math/tolerance.js';
import { resolveVerifier, verifierSchema } from '../schema/verifier-schema.js';
import { rankCandidates } from '../verification/ranked-candidates.js';
import { selectCandidates } from '../verification/select.js';
import { verifierLabel } from '../verification/verifiers.js';

export const verify = defineStep({
  name: 'eigen/verify',
  version: '1',
  description: 'Chooses a label per input from the generator\'s candidates with a verifier (best-of-beam) or keeps/drops its top-1 (prune), and measures φ, ψ, p* = φ/(φ+ψ) and the generator error against the truth.',
  execution: 'worker',
  with: {
    type: 'object',
    additionalProperties: false,
    required: ['candidates', 'data', 'verifier'],
    properties: {
      candidates: { type: 'string', description: 'The generator\'s candidates ("veriflow.eigen.candidates/1").' },
      data: { type: 'string', description: 'The data output of eigen/sample the generator was given; its true eigenvalues grade the candidates.' },
      verifier: verifierSchema,
      mode: {
        enum: ['best-of-beam', 'prune'],
        default: 'best-of-beam',
        description: 'best-of-beam: keep the first candidate in score order that passes (counts over all candidates). prune: keep or drop the top-1 candidate.',
      },
      tolerance: { type: 'number', exclusiveMinimum: 0, default: 0.01, description: 'A candidate is correct when its relative L1 error is below this (the paper: 1%).' },
      calibration: {
        type: 'integer',
        minimum: 1,
        description: 'Measure φ, ψ, p*, the generator error and the top-1 error on the first `calibration` inputs only: the labelled slice a team would have in practice. Selection still covers every input. Default: all inputs.',
      },
      malformed: {
        enum: ['exclude', 'count-wrong'],
        default: 'exclude',
        description: 'Malformed candidates are never kept; exclude leaves them out of φ̂/ψ̂/p̂, count-wrong counts them as wrong.',
      },
    },
  },
  outputs: {
    selection: { kind: 'artifact', description: 'The chosen label or a drop per input ("veriflow.eigen.selection/1").' },
    kept_count: { kind: 'number' },
    phi: { kind: 'json', description: 'Measured P(kept | correct); null without correct candidates.' },
    psi: { kind: 'json', description: 'Measured P(kept | wrong); null without wrong candidates.' },
    p_star: { kind: 'json', description: 'Measured breakdown point φ/(φ+ψ); null when undefined.' },
    generator_error: { kind: 'json', description: 'Share of wrong candidates among those counted; null without candidates.' },
    top1_error: { kind: 'json', description: 'Share of inputs whose top-1 candidate is wrong, malformed or missing.' },
    keep_rate: { kind: 'json', description: 'Kept / counted candidates.' },
    malformed: { kind: 'number', description: 'Malformed candidates among those the mode considers.' },
    verifier: { kind: 'string', description: 'The verifier\'s label.' },
  },
}).run(async (ctx) => {
  const { mode, tolerance, malformed: malformedPolicy } = ctx.with;
  checkTolerance(tolerance);
  const verifier = resolveVerifier(ctx.with.verifier, tolerance);
  const label = ctx.with.verifier.name ?? verifierLabel(verifier);
  const [candidates, data] = await Promise.all([readCandidates(ctx.with.candidates), readMatrices(ctx.with.data)]);
  const inputs = rankCandidates(candidates, data, tolerance);
  ctx.signal.throwIfAborted();
  const calibration = ctx.with.calibration ?? inputs.length;
  if (calibration > inputs.length) throw new Error(`calibration: ${calibration} inputs asked for, but the candidates cover ${inputs.length}`);
  const outcome = selectCandidates(inputs, verifier, mode, { data, rng: ctx.rng.fork('verifier') }, malformedPolicy, calibration);
  const { counts, rates } = outcome;
  const measured = {
    correct: counts.correct,
    wrong: counts.wrong,
    kept_correct: counts.keptCorrect,
    kept_wrong: counts.keptWrong,
    malformed: outcome.malformed,
    phi: rates.phi,
    psi: rates.psi,
    p_star: rates.pStar,
    generator_error: rates.generatorError,
    keep_rate: rates.keepRate,
    top1_error: outcome.top1Error,
  };
  await ctx.writeBytes(
    'selection',
    encodeSelection({ header: selectionHeader({ dim: data.dim, count: outcome.rows.length, kept: outcome.kept, mode, verifier: label, tolerance, measured }), rows: outcome.rows }),
  );
  // A metric used for comparison is never NaN: undefined rates are simply not logged.
  const metrics: Record<string, number | null> = { phi: rates.phi, psi: rates.psi, p_star: rates.pStar, generator_error: rates.generatorError, kept: outcome.kept, top1_error: outcome.top1Error };
  for (const [key, value] of Object.entries(metrics)) if (value !== null) ctx.metrics.log(key, value);
  const show = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
  ctx.log.info(
    `${label}, ${mode}: kept ${outcome.kept} of ${inputs.length} inputs; φ̂ ${show(rates.phi)}, ψ̂ ${show(rates.psi)}, p̂* ${show(rates.pStar)}, p̂ ${show(rates.generatorError)} over ${counts.correct + counts.wrong} candidates${calibration < inputs.length ? ` of the first ${calibration} inputs (calibration slice)` : ''} (${outcome.malformed} malformed)`,
  );
  return {
    kept_count: outcome.kept,
    phi: rates.phi,
    psi: rates.psi,
    p_star: rates.pStar,
    generator_error: rates.generatorError,
    top1_error: outcome.top1Error,
    keep_rate: rates.keepRate,
    malformed: outcome.malformed,
    verifier: label,
  };
});
