/**
 * What a trainer consumes: (matrix tokens, eigenvalue tokens) pairs, as P1000 ids without <s>/</s>.
 * Real pairs come from a `data` file alone (the true eigenvalues); synthesized pairs from a `selection`
 * and the `data` file it indexes. Both go through here so the two spell their targets the same way.
 */
import { encodeMatrix, encodeVector } from '../encoding/p1000.js';
import { toIds } from '../encoding/vocabulary.js';
import { eigenvaluesAt, matrixAt } from './matrices-file.js';
import type { MatrixSet } from './matrices-file.js';
import type { SelectionFile } from './selection-file.js';

export interface TrainingPair {
  /** Row of the matrix in the data file. */
  readonly index: number;
  /** `V{dim} V{dim}` + 3·dim² ids (77 for 5×5). */
  readonly input: number[];
  /** `V{dim} V1` + 3·dim ids (17 for dim 5). */
  readonly target: number[];
}

export function matrixIds(set: MatrixSet, index: number): number[] {
  return toIds(encodeMatrix(matrixAt(set, index), set.dim));
}

/** Real pairs: each matrix (the first `limit`) with its true eigenvalues. */
export function realTrainingPairs(set: MatrixSet, limit = Infinity): TrainingPair[] {
  return Array.from({ length: Math.min(limit, set.count) }, (_, index) => ({ index, input: matrixIds(set, index), target: toIds(encodeVector(eigenvaluesAt(set, index))) }));
}

/** Synthesized pairs: each kept row of a selection with its matrix (only rows for matrices below `limit`). */
export function selectedTrainingPairs(selection: SelectionFile, set: MatrixSet, limit = Infinity): TrainingPair[] {
  if (selection.header.dim !== set.dim) throw new Error(`selection is for dimension ${selection.header.dim} but the data file holds ${set.dim}×${set.dim} matrices`);
  const pairs: TrainingPair[] = [];
  for (const row of selection.rows) {
    if (!row.kept || row.index >= limit) continue;
    if (row.index >= set.count) throw new Error(`selection row for input ${row.index} but the data file holds ${set.count} matrices`);
    pairs.push({ index: row.index, input: matrixIds(set, row.index), target: [...row.tokens] });
  }
  return pairs;
}
