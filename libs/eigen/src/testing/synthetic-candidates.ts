/**
 * Test data for verifiers: a candidates file built from the true eigenvalues, where each candidate is
 * wrong with a controlled probability. It is not a generator (nothing here learns or reads the
 * matrix); it lets tests and small example workflows check what each verifier measures when the
 * error rate and the relation between score and correctness are known.
 */
import type { Rng } from '@veriflow/step-api';
import { candidatesHeader } from '../artifacts/candidates-file.js';
import type { Candidate, CandidatesFile } from '../artifacts/candidates-file.js';
import { eigenvaluesAt } from '../artifacts/matrices-file.js';
import type { MatrixSet } from '../artifacts/matrices-file.js';
import { encodeVector } from '../encoding/p1000.js';
import { toIds } from '../encoding/vocabulary.js';

export interface SyntheticCandidateOptions {
  /** Candidates per input. */
  readonly beam: number;
  /** Probability that a candidate is well-formed but wrong, independently of everything else. */
  readonly errorRate: number;
  /** Probability that a candidate is a malformed sequence (default 0); the rest are correct. */
  readonly malformedRate?: number;
  /**
   * Relative L1 error of a wrong candidate, uniform in this range (default [0.03, 0.3]: clearly outside
   * 1% and 2%). The error moves one eigenvalue, so Σλ̂ ≠ tr A and the consistency check can see it.
   */
  readonly wrongError?: readonly [number, number];
  /**
   * How much the score favours correct candidates: scores are N(0, 1) plus this for correct ones
   * (default 0: the score carries no information, as for a random verifier).
   */
  readonly scoreSignal?: number;
}

export function syntheticCandidates(data: MatrixSet, rng: Rng, options: SyntheticCandidateOptions): CandidatesFile {
  const { beam, errorRate, malformedRate = 0, wrongError = [0.03, 0.3], scoreSignal = 0 } = options;
  if (!(errorRate >= 0 && malformedRate >= 0 && errorRate + malformedRate <= 1)) {
    throw new RangeError(`synthetic candidates: error rate ${errorRate} and malformed rate ${malformedRate} must be non-negative with a sum of at most 1`);
  }
  const inputs = Array.from({ length: data.count }, (_, index) => {
    const truth = Array.from(eigenvaluesAt(data, index));
    const candidates = Array.from({ length: beam }, (): Candidate => {
      const u = rng.uniform();
      // Scores look like log-probabilities (mostly negative); only correct candidates get the signal.
      const score = rng.normal() - 1;
      if (u < malformedRate) return { tokens: toIds(encodeVector(truth)).slice(0, -1), score };
      const wrong = u < malformedRate + errorRate;
      const values = wrong ? shiftOne(truth, wrongError[0] + rng.uniform() * (wrongError[1] - wrongError[0]), rng) : truth;
      return { tokens: toIds(encodeVector(values)), score: score + (wrong ? 0 : scoreSignal) };
    });
    return { index, candidates };
  });
  return { header: candidatesHeader(data.dim, beam, data.count, { kind: 'synthetic', error_rate: errorRate }), inputs };
}

/** Moves one eigenvalue by ±relError·Σ|λ| and re-sorts: a plausible output with that relative L1 error. */
function shiftOne(truth: readonly number[], relError: number, rng: Rng): number[] {
  const scale = truth.reduce((s, v) => s + Math.abs(v), 0);
  const out = [...truth];
  const i = rng.int(out.length);
  out[i] = out[i]! + (rng.uniform() < 0.5 ? -1 : 1) * relError * scale;
  return out.sort((a, b) => b - a);
}
