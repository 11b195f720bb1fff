/**
 * The embedded summariser: the shared seq2seq transformer (`@veriflow/ml/seq2seq`) reading the first
 * `maxSourceTokens` tokens of an article's text (or of its title, or nothing) and writing its summary, with the tokenizer it was trained with kept in
 * its checkpoint (kind "veriflow.xlsum.model/1"), so generate and judge read text the way train did.
 */
import { readCheckpoint } from '@veriflow/ml/seq2seq';
import type { LoadedCheckpoint, ModelKind, SequencePair } from '@veriflow/ml/seq2seq';
import type { XlsumRow } from '../data/row.js';
import { Tokenizer, UNK_ID } from './tokenizer.js';

/**
 * What the encoder reads: the article's text, its title, or nothing (a constant one-token input: the
 * model is then a language model of summaries, which judges fluency rather than faithfulness).
 */
export type SummarySource = 'text' | 'title' | 'none';
export const SUMMARY_SOURCES: readonly SummarySource[] = ['text', 'title', 'none'];

export const XLSUM_MODEL: ModelKind = { kind: 'veriflow.xlsum.model/1', producer: 'xlsum/train' };

/** What xlsum/train keeps in the checkpoint's `training` record beside its options. */
export interface SummariserText {
  readonly vocabulary: readonly string[];
  /** Absent in checkpoints that predate it: 'text'. */
  readonly source?: SummarySource;
  /** Article tokens the encoder reads (the rest is cut). */
  readonly maxSourceTokens: number;
  /** Summary tokens the decoder writes at most, EOS excluded. */
  readonly maxSummaryTokens: number;
}

export interface LoadedSummariser extends LoadedCheckpoint {
  readonly tokenizer: Tokenizer;
  readonly text: SummariserText;
}

export async function readSummariser(path: string): Promise<LoadedSummariser> {
  const loaded = await readCheckpoint(path, XLSUM_MODEL);
  const text = loaded.meta.training?.['text'] as SummariserText | undefined;
  if (!text || !Array.isArray(text.vocabulary)) {
    loaded.model.dispose();
    throw new Error(`model: ${path} has no vocabulary in its meta; pass the model output of ${XLSUM_MODEL.producer}`);
  }
  return { ...loaded, text, tokenizer: new Tokenizer(text.vocabulary) };
}

type ArticleFields = Pick<XlsumRow, 'text' | 'title'>;

/** The encoder's ids of an article. */
export function articleIds(tokenizer: Tokenizer, row: ArticleFields, text: Pick<SummariserText, 'maxSourceTokens' | 'source'>): number[] {
  const source = text.source ?? 'text';
  return source === 'none' ? [UNK_ID] : tokenizer.encode(row[source], text.maxSourceTokens);
}

/** Article → summary training pair, both cut to the model's lengths. */
export function summaryPair(tokenizer: Tokenizer, row: ArticleFields, summary: string, text: Omit<SummariserText, 'vocabulary'>): SequencePair {
  return { input: articleIds(tokenizer, row, text), target: tokenizer.encode(summary, text.maxSummaryTokens) };
}
