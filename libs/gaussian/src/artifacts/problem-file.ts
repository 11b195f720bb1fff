import type { Covariance, Distribution } from '../math/index.js';
import { readJsonArtifact } from './json-artifact.js';

export const PROBLEM_FORMAT = 'veriflow.gaussian.problem/1';

/** Σ as the problem file records it; a spiked Σ also records its resolved unit direction v. */
export type CovarianceFile =
  | { readonly kind: 'diagonal'; readonly values: number[] }
  | { readonly kind: 'spiked'; readonly strength: number; readonly direction: 'mu' | 'random'; readonly v: number[] };

/**
 * The real-data distribution, small enough to keep as JSON: y uniform in ±1, x | y ~ N(y·μ, Σ) (Σ = I_d
 * without `covariance`), or, with distribution 'halfspace', x ~ N(0, I_d) and y = sign(w*ᵀx) with
 * w* = mu (unit norm, Bayes accuracy 1). Files without `distribution` are mixtures.
 */
export interface ProblemFile {
  readonly format: typeof PROBLEM_FORMAT;
  readonly dim: number;
  readonly mu: number[];
  readonly mu_norm: number;
  readonly bayes_accuracy: number;
  readonly direction: 'random' | 'e1';
  readonly distribution?: Distribution;
  readonly covariance?: CovarianceFile;
}

/** The problem as the simulation takes it. */
export function problemGeometry(problem: ProblemFile): { mu: Float64Array; covariance: Covariance | undefined; distribution: Distribution } {
  const c = problem.covariance;
  const covariance: Covariance | undefined =
    c === undefined ? undefined : c.kind === 'diagonal' ? { kind: 'diagonal', values: Float64Array.from(c.values) } : { kind: 'spiked', strength: c.strength, v: Float64Array.from(c.v) };
  return { mu: Float64Array.from(problem.mu), covariance, distribution: problem.distribution ?? 'mixture' };
}

export function readProblem(path: string): Promise<ProblemFile> {
  return readJsonArtifact<ProblemFile>(path, PROBLEM_FORMAT, 'problem');
}
