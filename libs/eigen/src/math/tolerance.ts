/**
 * LAWT's correctness criterion for eigenvalue predictions (its "d1" norm): the relative L1 error
 * Σ|ŷ − y| / Σ|y| strictly below a tolerance. The paper reports 1%; 2%, 5% and 10% are reported alongside
 * (10% for CPU-sized 3×3 runs, whose small models rarely reach 1%).
 * A prediction that is missing, malformed, of the wrong length or not finite is simply wrong: the
 * criterion never throws on what a generator wrote.
 */

/** The tolerances reported everywhere, in order; the first is the one that decides "correct". */
export const TOLERANCES = [0.01, 0.02, 0.05, 0.1] as const;
export const DEFAULT_TOLERANCE = TOLERANCES[0];

/** What a decoder returns for a sequence it cannot read (see encoding/p1000.ts). */
export interface Malformed {
  readonly malformed: string;
}

export type Prediction = readonly number[] | Float64Array | Malformed | undefined;

export function isMalformed(p: Prediction): p is Malformed {
  return p !== undefined && typeof (p as Malformed).malformed === 'string';
}

/**
 * Σ|ŷ − y| / Σ|y|; Infinity for an unusable prediction. When y = 0 (Σ|y| = 0) the error is 0 for an
 * exact prediction and Infinity otherwise, as LAWT treats an all-zero target.
 */
export function relativeL1Error(prediction: Prediction, truth: ArrayLike<number>): number {
  if (prediction === undefined || isMalformed(prediction) || prediction.length !== truth.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < truth.length; i++) {
    const p = prediction[i]!;
    if (!Number.isFinite(p)) return Infinity;
    num += Math.abs(p - truth[i]!);
    den += Math.abs(truth[i]!);
  }
  if (den === 0) return num === 0 ? 0 : Infinity;
  return num / den;
}

/** Strictly below the tolerance, as in LAWT's evaluator. */
export function isCorrect(prediction: Prediction, truth: ArrayLike<number>, tolerance: number = DEFAULT_TOLERANCE): boolean {
  checkTolerance(tolerance);
  return relativeL1Error(prediction, truth) < tolerance;
}

export function checkTolerance(tolerance: number): void {
  if (!(tolerance > 0 && Number.isFinite(tolerance))) throw new RangeError(`tolerance ${tolerance} must be a positive number`);
}
