/**
 * The selection rule every selector shares, given one score per candidate (higher is better): per
 * article keep its best candidate, then keep the best `budget` fraction of the articles by that score.
 * The budget therefore counts articles, as the paper's "12.5% of the synthesized data" counts training
 * examples: K candidates per article yield one training summary or none.
 */

export interface Scored {
  readonly id: string;
  readonly k: number;
  /** The selector's score; −∞ ranks last. */
  readonly score: number;
}

export interface Choice {
  /** Per candidate (in input order): whether it is a kept training summary. */
  readonly kept: boolean[];
  /** The kept candidates' indices, best first. */
  readonly chosen: number[];
  /** How many articles the pool has. */
  readonly articles: number;
}

/**
 * How many of `articles` a budget keeps: the nearest whole number (halves round up), at least one.
 * A budget that rounds to none is refused rather than quietly raised.
 */
export function budgetCount(budget: number, articles: number): number {
  if (!(budget > 0 && budget <= 1)) throw new RangeError(`budget ${budget} is not a fraction in (0, 1] of the synthesized pool's articles`);
  const count = Math.round(budget * articles);
  if (count === 0) throw new RangeError(`budget ${budget} of ${articles} article${articles === 1 ? '' : 's'} keeps no article (${budget} × ${articles} rounds to 0); raise the budget or synthesize a larger pool`);
  return count;
}

/**
 * Ties go to the candidate first in the input (within an article: the earlier candidate; across
 * articles at the budget's edge: the article whose candidates come first), so a choice is a function
 * of the files alone. Random selection gets its order from seeded scores, never from ties.
 */
export function chooseBest(candidates: readonly Scored[], budget: number): Choice {
  const best = new Map<string, number>();
  candidates.forEach((candidate, i) => {
    if (Number.isNaN(candidate.score)) throw new RangeError(`candidate id "${candidate.id}", k ${candidate.k} has score NaN; a selector's scores must be numbers or −∞`);
    const current = best.get(candidate.id);
    if (current === undefined || candidate.score > candidates[current]!.score) best.set(candidate.id, i);
  });
  const perArticle = [...best.values()];
  // Compared, not subtracted: −∞ − −∞ is NaN.
  const byScore = (a: { index: number; rank: number }, b: { index: number; rank: number }): number => {
    const [sa, sb] = [candidates[a.index]!.score, candidates[b.index]!.score];
    return sa > sb ? -1 : sa < sb ? 1 : a.rank - b.rank;
  };
  const order = perArticle.map((index, rank) => ({ index, rank })).sort(byScore);
  const chosen = order.slice(0, budgetCount(budget, perArticle.length)).map((entry) => entry.index);
  const kept = candidates.map(() => false);
  for (const index of chosen) kept[index] = true;
  return { kept, chosen, articles: perArticle.length };
}
