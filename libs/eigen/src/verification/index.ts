// Verifiers of the eigenvalue task and the two ways of turning their decisions into a training set.
export { rankCandidates, isWellFormed } from './ranked-candidates.js';
export type { RankedCandidate, RankedInput, WellFormedCandidate } from './ranked-candidates.js';
export { runVerifier, consistencyResiduals, passesConsistency, verifierLabel } from './verifiers.js';
export type { Verifier, VerifierContext, ConsistencyResiduals } from './verifiers.js';
export { selectCandidates } from './select.js';
export type { SelectionOutcome, MalformedPolicy } from './select.js';
export { evaluatePredictions } from './accuracy.js';
export type { AccuracyResult } from './accuracy.js';
