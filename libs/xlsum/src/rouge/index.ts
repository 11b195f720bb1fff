export { RougeScorer, ROUGE_TYPES } from './scorer.js';
export type { RougeOptions, RougeScore, RougeScores, RougeType } from './scorer.js';
export { porterStem } from './porter.js';
export { tokenize, words, CachedStemmer } from './tokenize.js';
export { pairedDifference } from './paired.js';
export type { PairedDifference } from './paired.js';
