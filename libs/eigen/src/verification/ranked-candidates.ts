/**
 * Candidates as the verifiers see them: decoded, ranked by the generator's score, and marked correct
 * or wrong against the truth. Correctness is only for measurement (and the oracle); what a non-oracle
 * verifier may use is the matrix, the decoded values and the score.
 */
import type { CandidatesFile } from '../artifacts/candidates-file.js';
import { eigenvaluesAt } from '../artifacts/matrices-file.js';
import type { MatrixSet } from '../artifacts/matrices-file.js';
import { decodeVector } from '../encoding/p1000.js';
import { isCorrect, isMalformed } from '../math/tolerance.js';
import type { Malformed } from '../math/tolerance.js';

export interface RankedCandidate {
  /** Row of the input matrix in the data file. */
  readonly input: number;
  /** Position in the input's list in the candidates file. */
  readonly position: number;
  /** 0 for the highest score; ties keep the file's order. */
  readonly rank: number;
  readonly score: number;
  readonly values: number[] | Malformed;
  /** Within the correctness tolerance of the true eigenvalues (malformed: false). */
  readonly correct: boolean;
}

export interface WellFormedCandidate extends RankedCandidate {
  readonly values: number[];
}

export interface RankedInput {
  readonly index: number;
  /** In rank order. */
  readonly candidates: readonly RankedCandidate[];
}

export function isWellFormed(c: RankedCandidate): c is WellFormedCandidate {
  return !isMalformed(c.values);
}

/** Decodes, ranks and grades every candidate; checks that the candidates belong to this data file. */
export function rankCandidates(file: CandidatesFile, data: MatrixSet, tolerance: number): RankedInput[] {
  if (file.header.dim !== data.dim) {
    throw new Error(`candidates are for ${file.header.dim}×${file.header.dim} matrices but the data file holds ${data.dim}×${data.dim}; pass the data file the generator was given`);
  }
  return file.inputs.map((set) => {
    if (set.index >= data.count) throw new Error(`candidates for input ${set.index}, but the data file holds ${data.count} matrices; pass the data file the generator was given`);
    const truth = eigenvaluesAt(data, set.index);
    const order = set.candidates.map((_, position) => position).sort((a, b) => set.candidates[b]!.score - set.candidates[a]!.score || a - b);
    const candidates = order.map((position, rank): RankedCandidate => {
      const c = set.candidates[position]!;
      const values = decodeVector(c.tokens, data.dim);
      return { input: set.index, position, rank, score: c.score, values, correct: isCorrect(values, truth, tolerance) };
    });
    return { index: set.index, candidates };
  });
}
