/**
 * Test accuracy of a model as LAWT reports it: its top-1 prediction per matrix, correct when the
 * relative L1 error is below each tolerance. Every matrix of the test set counts: one the generator
 * produced nothing for is wrong, as is a malformed prediction.
 */
import { eigenvaluesAt } from '../artifacts/matrices-file.js';
import type { MatrixSet } from '../artifacts/matrices-file.js';
import { TOLERANCES, isMalformed, relativeL1Error } from '../math/tolerance.js';
import type { RankedInput } from './ranked-candidates.js';

export interface AccuracyResult {
  readonly tolerances: readonly number[];
  /** Top-1 accuracy at each tolerance; 0 for an empty test set. */
  readonly accuracy: readonly number[];
  /** Share of matrices with some candidate within the first tolerance. */
  readonly beamAccuracy: number;
  readonly malformedRate: number;
  readonly missing: number;
  readonly count: number;
}

export function evaluatePredictions(inputs: readonly RankedInput[], data: MatrixSet, tolerances: readonly number[] = TOLERANCES): AccuracyResult {
  const byIndex = new Map(inputs.map((input) => [input.index, input]));
  const hits = tolerances.map(() => 0);
  let beamHits = 0;
  let malformed = 0;
  let missing = 0;
  for (let i = 0; i < data.count; i++) {
    const candidates = byIndex.get(i)?.candidates ?? [];
    const top = candidates[0];
    if (top === undefined) {
      missing++;
      continue;
    }
    if (isMalformed(top.values)) malformed++;
    const truth = eigenvaluesAt(data, i);
    const error = relativeL1Error(top.values, truth);
    tolerances.forEach((tolerance, k) => {
      if (error < tolerance) hits[k]!++;
    });
    if (candidates.some((c) => relativeL1Error(c.values, truth) < tolerances[0]!)) beamHits++;
  }
  const share = (x: number) => (data.count > 0 ? x / data.count : 0);
  return { tolerances, accuracy: hits.map(share), beamAccuracy: share(beamHits), malformedRate: share(malformed), missing, count: data.count };
}
