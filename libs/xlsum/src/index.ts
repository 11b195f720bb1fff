import type { AnyStepDefinition } from '@veriflow/step-api';
import { corpus } from './steps/corpus.js';
import { load } from './steps/load.js';
import { rouge } from './steps/rouge.js';
import { select } from './steps/select.js';

/**
 * The paper's summarisation task (XL-Sum): ROUGE as rouge-score computes it, the XL-Sum loader and the
 * embedded news corpus.
 */
export const xlsumSteps: AnyStepDefinition[] = [corpus, load, rouge, select];
/** Every library exports its kinds as `steps`: worker threads load them from there. */
export const steps = xlsumSteps;

export { corpus, load, rouge, select };
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
