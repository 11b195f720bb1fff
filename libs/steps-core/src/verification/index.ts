// Task-independent measurement of verifiers (paper notes §3): every task library reports φ̂, ψ̂, p̂* through here.
export { measureRates, countOutcomes, binarize } from './rates.js';
export type { OutcomeCounts, MeasuredRates, Binarized } from './rates.js';
// Whether a run reproduced the paper's claims across its verifiers (core/verifier-checks).
export { finalRows, paperChecks } from './paper-checks.js';
export type { VerifierRow, PaperCheck, PaperCheckOptions, PaperCheckReport } from './paper-checks.js';
