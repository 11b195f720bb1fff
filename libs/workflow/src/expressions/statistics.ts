/**
 * Statistics the paper's claims are stated in (`mean`, `spearman`). Pure; an undefined result is an
 * error that says why, never NaN, so an expectation over it fails with a reason instead of comparing NaN.
 */

/** 1-based ranks; tied values share the mean of the ranks they span ([10, 20, 10] → [1.5, 3, 1.5]). */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && order[end]!.value === order[start]!.value) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!.index] = rank;
    start = end;
  }
  return ranks;
}

/** Spearman's rank correlation: Pearson's correlation of the average ranks, so ties are handled exactly. */
export function spearman(x: readonly number[], y: readonly number[]): { value: number } | { error: string } {
  if (x.length !== y.length) return { error: `spearman() needs lists of the same length, found ${x.length} and ${y.length}` };
  if (x.length < 2) return { error: `spearman() needs at least 2 pairs, found ${x.length}` };
  const rx = averageRanks(x);
  const ry = averageRanks(y);
  const middle = (x.length + 1) / 2; // the mean of any average ranks of n values
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < rx.length; i++) {
    const dx = rx[i]! - middle;
    const dy = ry[i]! - middle;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return { error: `spearman() is undefined: every value of argument ${sxx === 0 ? 1 : 2} is the same` };
  // Rounding can leave |ρ| a hair above 1.
  return { value: Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy))) };
}

export function mean(values: readonly number[]): { value: number } | { error: string } {
  if (values.length === 0) return { error: 'mean() of an empty list has no value' };
  return { value: values.reduce((sum, value) => sum + value, 0) / values.length };
}

/**
 * Sample standard deviation (n − 1 in the denominator). One value has no measurable spread: 0, as the
 * plots draw it, so a single-replicate run still evaluates; claims about spread need replicates ≥ 2.
 */
export function sampleSd(values: readonly number[]): { value: number } | { error: string } {
  const center = mean(values);
  if ('error' in center) return { error: 'the standard deviation of an empty list has no value' };
  if (values.length === 1) return { value: 0 };
  const squares = values.reduce((sum, value) => sum + (value - center.value) ** 2, 0);
  return { value: Math.sqrt(squares / (values.length - 1)) };
}

/** Standard error of the mean: sample standard deviation / √n (0 for a single value, as sampleSd). */
export function standardError(values: readonly number[]): { value: number } | { error: string } {
  const sd = sampleSd(values);
  if ('error' in sd) return { error: 'the standard error of an empty list has no value' };
  return { value: sd.value / Math.sqrt(values.length) };
}
