/** The four selectors of the paper's summarisation experiment, each a score per candidate. */
import type { Rng } from '@veriflow/step-api';
import type { PoolCandidate } from './pool-files.js';

export const SELECTORS = ['oracle', 'judge', 'self', 'random'] as const;
export type Selector = (typeof SELECTORS)[number];

export const SELECTOR_DESCRIPTIONS: Record<Selector, string> = {
  oracle: 'ROUGE against the reference (`metric`)',
  judge: 'the judge model\'s length-normalised log-likelihood',
  self: 'the generator\'s own length-normalised log-likelihood',
  random: 'a seeded uniform draw',
};

/**
 * One score per candidate, in pool order. Random draws one uniform per candidate: the best of an
 * article's draws is a uniform choice among its candidates and the order of the articles' best draws a
 * uniform order of the articles, so random selection needs no rule of its own.
 */
export function selectorScores(selector: Selector, pool: readonly PoolCandidate[], rng: Rng): number[] {
  switch (selector) {
    case 'oracle':
      return pool.map((candidate) => candidate.rouge);
    case 'self':
      return pool.map((candidate) => candidate.self);
    case 'judge':
      return pool.map((candidate) => {
        if (candidate.judge === null) throw new Error('selector judge needs the judge input (a judge scores file)');
        return candidate.judge;
      });
    case 'random':
      return pool.map(() => rng.uniform());
  }
}
