// Numerics of the Gaussian task (paper notes §2): the mixture, the three simulation paths, the
// estimators trained on kept pairs, exact evaluation, and the closed-form predictions.
export type { CellConfig, Generator, KeptStatistics, LabelledRows, RateEstimates, Verifier } from './types.js';
export { emptyStatistics, fixedRates, rateEstimates, validateCell, verifierIgnoresX } from './types.js';
export type { MeanDirection } from './model.js';
export {
  bayesAccuracy,
  meanVector,
  muNormForBayesAccuracy,
  norm2,
  orthogonalUnit,
  randomDirection,
  scaleToNorm,
  unitAtAngle,
} from './model.js';
export type { StreamOptions } from './stream.js';
export { streamKeptRows, streamStatistics } from './stream.js';
export { exactStatistics, supportsExactStatistics } from './exact-statistics.js';
export { projectedStatistics } from './projected-statistics.js';
export type { SimulationMethod } from './simulate.js';
export { simulateCell, simulationMethodFor } from './simulate.js';
export type { LogisticOptions, LogisticResult, RidgeOptions, RidgeScaling } from './estimators.js';
export { logistic, meanEstimator, ridge } from './estimators.js';
export { empiricalAccuracy, exactAccuracy, relativeError } from './evaluate.js';
export type { PredictedRates } from './theory.js';
export {
  breakdownPoint,
  flipLinearPrunerRates,
  linearGeneratorErrorRate,
  linearGeneratorLinearPrunerRates,
  planeDirections,
  predictedLimitAccuracy,
  predictedRates,
} from './theory.js';
