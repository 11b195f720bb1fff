/**
 * Turns a verifier's passes into the synthesized training set, and measures the verifier on it.
 *
 * - prune: the generator's top-1 candidate per input is kept if it passes, else the input is dropped.
 *   φ̂, ψ̂ count over the top-1 candidates.
 * - best-of-beam: candidates are tried in score order and the first that passes is kept; none passing
 *   drops the input. φ̂, ψ̂ count over all candidates (paper notes §3), "kept" meaning chosen.
 *
 * Malformed candidates can never be kept. With `malformed: 'exclude'` (default) they are left out of
 * the counts, so that p̂* measures the verifier and not the free format check every pipeline has (a
 * random verifier then measures 1/2); with 'count-wrong' they count as wrong, never kept. Either way
 * `top1Error` is the generator's own error on these inputs, malformed or missing top-1 counted wrong.
 */
import { countOutcomes, measureRates } from '@veriflow/steps-core';
import type { MeasuredRates, OutcomeCounts } from '@veriflow/steps-core';
import type { SelectionMode, SelectionRow } from '../artifacts/selection-file.js';
import { encodeVector } from '../encoding/p1000.js';
import { toIds } from '../encoding/vocabulary.js';
import { isWellFormed } from './ranked-candidates.js';
import type { RankedCandidate, RankedInput, WellFormedCandidate } from './ranked-candidates.js';
import { runVerifier } from './verifiers.js';
import type { Verifier, VerifierContext } from './verifiers.js';

export type MalformedPolicy = 'exclude' | 'count-wrong';

export interface SelectionOutcome {
  /** One per input, in input order. */
  readonly rows: SelectionRow[];
  readonly counts: OutcomeCounts;
  readonly rates: MeasuredRates;
  readonly kept: number;
  /** Malformed candidates among those counted in this mode (top-1s for prune, all for best-of-beam). */
  readonly malformed: number;
  /** Share of inputs whose top-1 candidate is missing, malformed or wrong; null without inputs. */
  readonly top1Error: number | null;
}

export function selectCandidates(
  inputs: readonly RankedInput[],
  verifier: Verifier,
  mode: SelectionMode,
  ctx: VerifierContext,
  malformedPolicy: MalformedPolicy = 'exclude',
  /** Measure φ, ψ, p*, p and top-1 error on the first `calibration` inputs only (a labelled slice); default all. */
  calibration = inputs.length,
): SelectionOutcome {
  const considered: RankedCandidate[] = mode === 'prune' ? inputs.flatMap((input) => input.candidates.slice(0, 1)) : inputs.flatMap((input) => input.candidates);
  const pool = considered.filter(isWellFormed);
  const passes = runVerifier(verifier, pool, ctx);
  const passed = new Set<RankedCandidate>(pool.filter((_, i) => passes[i]));

  const chosen = new Map<number, WellFormedCandidate>();
  for (const c of pool) if (passed.has(c) && !chosen.has(c.input)) chosen.set(c.input, c);

  const inSlice = (c: RankedCandidate) => c.input < calibration;
  const counted = (malformedPolicy === 'exclude' ? pool : considered).filter(inSlice);
  const counts = countOutcomes(
    counted.map((c) => c.correct),
    counted.map((c) => chosen.get(c.input) === c),
  );
  const rows = inputs.map((input): SelectionRow => {
    const c = chosen.get(input.index);
    if (c === undefined) return { index: input.index, kept: false };
    return { index: input.index, kept: true, candidate: c.position, score: c.score, tokens: toIds(encodeVector(c.values)), eigenvalues: c.values, correct: c.correct };
  });
  const slice = inputs.filter((input) => input.index < calibration);
  const top1Wrong = slice.filter((input) => !input.candidates[0]?.correct).length;
  return {
    rows,
    counts,
    rates: measureRates(counts),
    kept: chosen.size,
    malformed: considered.length - pool.length,
    top1Error: slice.length > 0 ? top1Wrong / slice.length : null,
  };
}
