import type { AnyStepDefinition } from '@veriflow/step-api';
import { checkInputs } from './steps/check-inputs.js';
import { compare } from './steps/compare.js';
import { corpus } from './steps/corpus.js';
import { generate } from './steps/generate.js';
import { judge } from './steps/judge.js';
import { load } from './steps/load.js';
import { rouge } from './steps/rouge.js';
import { select } from './steps/select.js';
import { train } from './steps/train.js';

/**
 * The paper's summarisation task (XL-Sum): ROUGE as rouge-score computes it, the XL-Sum loader and the
 * embedded news corpus, the embedded summariser (train, generate K candidates, judge), the selectors, paired comparisons of two models' ROUGE, and the
 * check of the local inputs (weights, data) that the LLM steps read.
 */
export const xlsumSteps: AnyStepDefinition[] = [checkInputs, corpus, load, rouge, compare, select, train, generate, judge];
/** Every library exports its kinds as `steps`: worker threads load them from there. */
export const steps = xlsumSteps;

export { checkInputs, corpus, load, rouge, compare, select, train, generate, judge };
export { Tokenizer, splitTokens, UNK, UNK_ID } from './model/tokenizer.js';
export type { TokenizerOptions } from './model/tokenizer.js';
export { XLSUM_MODEL, readSummariser, articleIds, summaryPair } from './model/summariser.js';
export type { LoadedSummariser, SummariserText } from './model/summariser.js';
export { readCandidateSummaries } from './model/candidates-file.js';
export type { CandidateRow, JudgeScoreRow } from './model/candidates-file.js';
export { budgetCount, chooseBest } from './select/choose.js';
export type { Choice, Scored } from './select/choose.js';
export { SELECTORS } from './select/selectors.js';
export type { Selector } from './select/selectors.js';
export * from './rouge/index.js';
export { generateArticle, generateCorpus, summarise } from './corpus/generate.js';
export type { EventFacts, GeneratedArticle } from './corpus/generate.js';
export type { EventKind } from './corpus/events.js';
export { encodeXlsumJsonl, parseStringFields, parseXlsumJsonl, parseXlsumLine, XlsumFormatError, XLSUM_FIELDS } from './data/row.js';
export type { XlsumRow } from './data/row.js';
export { forEachJsonlRow, forEachXlsumRow, readJsonlFile, readXlsumFile } from './data/read-file.js';
export { splitIndices } from './data/split.js';
export type { SplitFractions, SplitIndices } from './data/split.js';
