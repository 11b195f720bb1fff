/**
 * The embedded summariser: the shared seq2seq transformer (`@veriflow/ml/seq2seq`) reading an article's
 * first `maxSourceTokens` tokens and writing its summary, with the tokenizer it was trained with kept in
 * its checkpoint (kind "veriflow.xlsum.model/1"), so generate and judge read text the way train did.
 */
import { readCheckpoint } from '@veriflow/ml/seq2seq';
import type { LoadedCheckpoint, ModelKind, SequencePair } from '@veriflow/ml/seq2seq';
import type { XlsumRow } from '../data/row.js';
import { Tokenizer } from './tokenizer.js';

export const XLSUM_MODEL: ModelKind = { kind: 'veriflow.xlsum.model/1', producer: 'xlsum/train' };

/** What xlsum/train keeps in the checkpoint's `training` record beside its options. */
export interface SummariserText {
  readonly vocabulary: readonly string[];
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

/** The encoder's ids of an article. */
export function articleIds(tokenizer: Tokenizer, row: Pick<XlsumRow, 'text'>, text: Pick<SummariserText, 'maxSourceTokens'>): number[] {
  return tokenizer.encode(row.text, text.maxSourceTokens);
}

/** Article → summary training pair, both cut to the model's lengths. */
export function summaryPair(tokenizer: Tokenizer, row: Pick<XlsumRow, 'text'>, summary: string, text: Omit<SummariserText, 'vocabulary'>): SequencePair {
  return { input: articleIds(tokenizer, row, text), target: tokenizer.encode(summary, text.maxSummaryTokens) };
}
