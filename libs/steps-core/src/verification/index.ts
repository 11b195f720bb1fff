// Task-independent measurement of verifiers (paper notes §3): every task library reports φ̂, ψ̂, p̂* through here.
export { measureRates, countOutcomes, binarize } from './rates.js';
export type { OutcomeCounts, MeasuredRates, Binarized } from './rates.js';
