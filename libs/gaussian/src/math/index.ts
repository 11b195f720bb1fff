// Numerics of the Gaussian task (paper notes §2): the mixture, the three simulation paths, the
// estimators trained on kept pairs, exact evaluation, and the closed-form predictions.
export type { CellConfig, Covariance, Distribution, Generator, KeptStatistics, LabelledRows, RateEstimates, TopKVerifier, Verifier } from './types.js';
export { applyRoot, mahalanobisNorm, quadraticForm, unwhitenRows, unwhitenStatistics, whitenCell } from './covariance.js';
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
export { selectKth, streamKeptRows, streamStatistics, topKThreshold } from './stream.js';
export { exactStatistics, supportsExactStatistics } from './exact-statistics.js';
export { projectedCell, projectedStatistics } from './projected-statistics.js';
export type { SimulationMethod } from './simulate.js';
export { simulateCell, simulationMethodFor } from './simulate.js';
export type { LogisticOptions, LogisticResult, RidgeOptions, RidgeScaling } from './estimators.js';
export { logistic, meanEstimator, ridge } from './estimators.js';
export { distributionAccuracy, empiricalAccuracy, exactAccuracy, halfspaceAccuracy, relativeError } from './evaluate.js';
export type { PredictedRates } from './theory.js';
export {
  breakdownPoint,
  flipLinearPrunerRates,
  linearGeneratorErrorRate,
  linearGeneratorLinearPrunerRates,
  planeDirections,
  predictedLimitAccuracy,
  predictedRates,
  thresholdForShare,
} from './theory.js';
