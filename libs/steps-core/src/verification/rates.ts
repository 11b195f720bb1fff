/**
 * The paper's proxy for a verifier's quality on a labelled calibration set (paper notes §3), shared by
 * every task so that "p*" means the same thing in every table:
 *   φ̂ = kept∧correct / correct,  ψ̂ = kept∧wrong / wrong,  p̂* = φ̂/(φ̂+ψ̂),  p̂ = wrong / all.
 * An empty denominator gives null, never NaN: these values are logged and compared, and a NaN would
 * silently poison every comparison it meets.
 */

/** How many synthesized samples were correct or wrong, and how many of each the verifier kept. */
export interface OutcomeCounts {
  readonly correct: number;
  readonly wrong: number;
  readonly keptCorrect: number;
  readonly keptWrong: number;
}

export interface MeasuredRates {
  /** P(kept | correct); null without correct samples. */
  readonly phi: number | null;
  /** P(kept | wrong); null without wrong samples. */
  readonly psi: number | null;
  /** φ/(φ+ψ); null when either is null or the verifier kept nothing. */
  readonly pStar: number | null;
  /** wrong / all: the generator's error rate on the counted samples; null without samples. */
  readonly generatorError: number | null;
  /** kept / all; null without samples. */
  readonly keepRate: number | null;
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} = ${value} is not a non-negative integer count`);
}

export function measureRates(counts: OutcomeCounts): MeasuredRates {
  const { correct, wrong, keptCorrect, keptWrong } = counts;
  for (const [name, value] of Object.entries({ correct, wrong, keptCorrect, keptWrong })) checkCount(name, value);
  if (keptCorrect > correct) throw new RangeError(`keptCorrect = ${keptCorrect} exceeds correct = ${correct}`);
  if (keptWrong > wrong) throw new RangeError(`keptWrong = ${keptWrong} exceeds wrong = ${wrong}`);
  const all = correct + wrong;
  const phi = correct > 0 ? keptCorrect / correct : null;
  const psi = wrong > 0 ? keptWrong / wrong : null;
  const pStar = phi !== null && psi !== null && phi + psi > 0 ? phi / (phi + psi) : null;
  return {
    phi,
    psi,
    pStar,
    generatorError: all > 0 ? wrong / all : null,
    keepRate: all > 0 ? (keptCorrect + keptWrong) / all : null,
  };
}

/** Tallies per-sample outcomes: `correct[i]` says whether sample i is right, `kept[i]` whether the verifier kept it. */
export function countOutcomes(correct: readonly boolean[], kept: readonly boolean[]): OutcomeCounts {
  if (correct.length !== kept.length) throw new RangeError(`countOutcomes: ${correct.length} correctness flags but ${kept.length} keep flags`);
  let nCorrect = 0;
  let keptCorrect = 0;
  let keptWrong = 0;
  for (let i = 0; i < correct.length; i++) {
    if (correct[i]) {
      nCorrect++;
      if (kept[i]) keptCorrect++;
    } else if (kept[i]) {
      keptWrong++;
    }
  }
  return { correct: nCorrect, wrong: correct.length - nCorrect, keptCorrect, keptWrong };
}

export interface Binarized {
  /** `scores[i] ≥ threshold`. */
  readonly correct: boolean[];
  /** The threshold used (the median when asked for one); null for an empty pool under 'median'. */
  readonly threshold: number | null;
}

/**
 * Turns continuous quality scores (e.g. ROUGE against a reference) into correct/wrong. The default,
 * "at least the median of the candidate pool", is our choice, not the paper's: it makes about half the
 * pool correct whatever the score's scale, and the threshold used is returned so it can be reported
 * next to p̂*. For an even pool the median is the mean of the two middle scores.
 */
export function binarize(scores: readonly number[], threshold: number | 'median' = 'median'): Binarized {
  scores.forEach((score, i) => {
    if (!Number.isFinite(score)) throw new RangeError(`binarize: score ${i} is ${score}; quality scores must be finite numbers`);
  });
  if (threshold !== 'median' && !Number.isFinite(threshold)) throw new RangeError(`binarize: threshold ${threshold} is not a finite number`);
  const cut = threshold === 'median' ? median(scores) : threshold;
  return { correct: cut === null ? [] : scores.map((score) => score >= cut), threshold: cut };
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
