/**
 * The vocabulary shared by the Gaussian task's simulation paths (row streaming, exact statistics,
 * projected statistics): who labels, who keeps, and what a simulation returns.
 */
import { measureRates } from '@veriflow/steps-core';

/**
 * How synthesized labels y' are produced from (x, y).
 * - flip: y' = −y with probability p, independently of x (the paper's theorem regime).
 * - linear: y' = sign(aᵀx) (sign(0) = +1), a model that looks at x; its error rate is Φ(−u·cos θ).
 */
export type Generator = { kind: 'flip'; p: number } | { kind: 'linear'; a: Float64Array };

/**
 * Which synthesized pairs are kept.
 * - oracle: keep iff y' = y (φ = 1, ψ = 0).
 * - random: keep with probability r whatever the pair (φ = ψ = r).
 * - rates: keep with probability φ when y' is correct and ψ when it is wrong.
 * - linear: keep iff sign(bᵀx) = y' and |bᵀx|/‖b‖ ≥ margin (default 0).
 * - model: the same rule with a trained weight vector w.
 */
export type Verifier =
  | { kind: 'oracle' }
  | { kind: 'random'; r: number }
  | { kind: 'rates'; phi: number; psi: number }
  | { kind: 'linear'; b: Float64Array; margin?: number }
  | { kind: 'model'; w: Float64Array; margin?: number }
  | { kind: 'top-k'; b: Float64Array; k: number };

/**
 * - top-k (selection budget): keep exactly the k pairs with the largest score s = y'·bᵀx/‖b‖ (the
 *   agreement margin with the direction b; a trained model's w is used the same way). The same as a
 *   linear verifier whose (signed) margin threshold is the k-th largest score; ties at the threshold
 *   are broken by row order (earlier rows first), so exactly k pairs are kept. Simulated in two passes
 *   over the same random streams (stream.ts); a verifier that looks at x, so never on the exact path.
 */
export type TopKVerifier = Extract<Verifier, { kind: 'top-k' }>;

/**
 * Covariance of the noise, Σ (undefined: I_d). Both kinds have a cheap symmetric square root L
 * (Σ = L², covariance.ts):
 * - diagonal: Σ = diag(values), values > 0;
 * - spiked: Σ = I + strength·vvᵀ with ‖v‖ = 1 and strength > −1.
 */
export type Covariance = { kind: 'diagonal'; values: Float64Array } | { kind: 'spiked'; strength: number; v: Float64Array };

/**
 * Where the real pairs come from.
 * - mixture (default): y uniform in ±1, x | y ~ N(y·μ, Σ): the paper's model, the one its phase-transition theory is about;
 * - halfspace: x ~ N(0, I_d), y = sign(w*ᵀx) (sign(0) = +1) with w* = `mu` (the cell's mu field holds w*,
 *   unit norm): noiseless labels, Bayes accuracy 1. Identity covariance only.
 */
export type Distribution = 'mixture' | 'halfspace';

/** One simulated cell: n synthesized pairs from the mixture with mean ±mu (or the halfspace with normal mu). */
export interface CellConfig {
  mu: Float64Array;
  n: number;
  generator: Generator;
  verifier: Verifier;
  /** Σ; undefined means I_d. Mixture only. */
  covariance?: Covariance | undefined;
  /** undefined means 'mixture'. */
  distribution?: Distribution | undefined;
}

/**
 * What every simulation path returns: the counts behind φ̂, ψ̂, p̂*, p̂, and the sufficient
 * statistics of the kept pairs for linear estimators. Memory is O(d²) whatever n is.
 */
export interface KeptStatistics {
  dim: number;
  /** Synthesized pairs (n). */
  synthesized: number;
  correct: number;
  wrong: number;
  keptCorrect: number;
  keptWrong: number;
  /** keptCorrect + keptWrong (m). */
  kept: number;
  /** Σ x xᵀ over kept rows, d×d row-major, both triangles filled. */
  xtx: Float64Array;
  /** Σ y' x over kept rows. */
  xty: Float64Array;
}

/** Kept rows themselves, for estimators that are not functions of XᵀX and Xᵀy' (logistic regression). */
export interface LabelledRows {
  dim: number;
  count: number;
  /** count×dim row-major. */
  x: Float64Array;
  /** Synthesized labels y' (±1) of the rows. */
  y: Float64Array;
  /** True labels (±1), for diagnostics. */
  trueY: Int8Array;
}

export interface RateEstimates {
  /** kept∧correct / correct. */
  phiHat: number;
  /** kept∧wrong / wrong. */
  psiHat: number;
  /** φ̂/(φ̂+ψ̂). */
  pStarHat: number;
  /** wrong / all: the generator's error rate. */
  pHat: number;
  /** kept / all. */
  keepRate: number;
}

export function emptyStatistics(dim: number, synthesized = 0): KeptStatistics {
  return {
    dim,
    synthesized,
    correct: 0,
    wrong: 0,
    keptCorrect: 0,
    keptWrong: 0,
    kept: 0,
    xtx: new Float64Array(dim * dim),
    xty: new Float64Array(dim),
  };
}

/**
 * The paper's proxy quantities (section 3 of the notes), measured by the one implementation every task
 * shares; NaN where a denominator is zero, as the simulation code expects (steps turn it into null).
 */
export function rateEstimates(s: KeptStatistics): RateEstimates {
  const rates = measureRates(s);
  const nanIfNull = (value: number | null): number => value ?? NaN;
  return {
    phiHat: nanIfNull(rates.phi),
    psiHat: nanIfNull(rates.psi),
    pStarHat: nanIfNull(rates.pStar),
    pHat: nanIfNull(rates.generatorError),
    keepRate: nanIfNull(rates.keepRate),
  };
}

/** True when the verifier's decision depends on the pair only through whether y' is correct. */
export function verifierIgnoresX(v: Verifier): v is Extract<Verifier, { kind: 'oracle' | 'random' | 'rates' }> {
  return v.kind === 'oracle' || v.kind === 'random' || v.kind === 'rates';
}

/** (φ, ψ) of a verifier that ignores x. */
export function fixedRates(v: Extract<Verifier, { kind: 'oracle' | 'random' | 'rates' }>): { phi: number; psi: number } {
  switch (v.kind) {
    case 'oracle':
      return { phi: 1, psi: 0 };
    case 'random':
      return { phi: v.r, psi: v.r };
    case 'rates':
      return { phi: v.phi, psi: v.psi };
  }
}

/** Checks probabilities and dimensions up front, so a bad cell fails before minutes of simulation. */
export function validateCell(c: CellConfig): void {
  const d = c.mu.length;
  if (d < 1) throw new RangeError('cell: mu must have at least one coordinate');
  if (!Number.isSafeInteger(c.n) || c.n < 0) throw new RangeError(`cell: n = ${c.n} is not a non-negative integer`);
  const prob = (name: string, v: number): void => {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`cell: ${name} = ${v} outside [0, 1]`);
  };
  const dim = (name: string, v: Float64Array): void => {
    if (v.length !== d) throw new RangeError(`cell: ${name} has ${v.length} coordinates, mu has ${d}`);
  };
  if (c.generator.kind === 'flip') prob('p', c.generator.p);
  else dim('generator direction a', c.generator.a);
  const v = c.verifier;
  if (v.kind === 'random') prob('r', v.r);
  if (v.kind === 'rates') {
    prob('phi', v.phi);
    prob('psi', v.psi);
  }
  if (v.kind === 'linear' || v.kind === 'model') {
    dim(v.kind === 'linear' ? 'verifier direction b' : 'model weights w', v.kind === 'linear' ? v.b : v.w);
    if ((v.margin ?? 0) < 0) throw new RangeError(`cell: margin ${v.margin} is negative`);
  }
  if (v.kind === 'top-k') {
    dim('verifier direction b', v.b);
    if (!Number.isSafeInteger(v.k) || v.k < 0 || v.k > c.n) throw new RangeError(`cell: top-k keeps k = ${v.k} pairs, which must be an integer in [0, n = ${c.n}]`);
  }
  const distribution = c.distribution ?? 'mixture';
  if (distribution !== 'mixture' && distribution !== 'halfspace') throw new RangeError(`cell: unknown distribution ${String(distribution)}`);
  const cov = c.covariance;
  if (cov !== undefined) {
    if (distribution === 'halfspace') throw new RangeError('cell: the halfspace variant has identity covariance; covariance is for the mixture only');
    if (cov.kind === 'diagonal') {
      dim('covariance values', cov.values);
      for (const value of cov.values) if (!(value > 0 && Number.isFinite(value))) throw new RangeError(`cell: covariance value ${value} must be positive`);
    } else {
      dim('covariance direction v', cov.v);
      if (!(cov.strength > -1 && Number.isFinite(cov.strength))) throw new RangeError(`cell: spike strength ${cov.strength} must be > −1`);
      let norm = 0;
      for (const value of cov.v) norm += value * value;
      if (Math.abs(norm - 1) > 1e-9) throw new RangeError(`cell: spike direction has norm ${Math.sqrt(norm)}, not 1`);
    }
  }
}
