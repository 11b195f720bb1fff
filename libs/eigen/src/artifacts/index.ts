// File formats of the eigenvalue task: matrices (eigen/sample), candidates (the generator), selection (eigen/verify).
export { MATRICES_KIND, encodeMatrices, decodeMatrices, readMatrices, matrixAt, eigenvaluesAt } from './matrices-file.js';
export type { MatrixSet } from './matrices-file.js';
export { CANDIDATES_FORMAT, candidatesHeader, encodeCandidates, decodeCandidates, readCandidates } from './candidates-file.js';
export type { CandidatesHeader, Candidate, CandidateSet, CandidatesFile } from './candidates-file.js';
export { SELECTION_FORMAT, selectionHeader, encodeSelection, decodeSelection, readSelection } from './selection-file.js';
export type { SelectionHeader, SelectionRow, SelectionFile, SelectionMode, SelectionMeasured } from './selection-file.js';
export { realTrainingPairs, selectedTrainingPairs, matrixIds } from './training-pairs.js';
export type { TrainingPair } from './training-pairs.js';
