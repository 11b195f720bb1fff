// Numerics of the eigenvalue task: the matrices, their reference spectra, and the correctness criterion.
export { randomSymmetricMatrix, trace, frobeniusSquared, isSymmetric, multiply, transpose, squareDimension, checkDimension } from './symmetric-matrix.js';
export { jacobiEigen, symmetricEigenvalues } from './jacobi.js';
export type { JacobiOptions, JacobiResult } from './jacobi.js';
export { TOLERANCES, DEFAULT_TOLERANCE, relativeL1Error, isCorrect, isMalformed, checkTolerance } from './tolerance.js';
export type { Malformed, Prediction } from './tolerance.js';
