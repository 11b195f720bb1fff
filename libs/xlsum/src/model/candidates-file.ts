/**
 * The Candidates and Judge scores formats of the XL-Sum task (JSONL, one object a line):
 *   candidate: { id, k, summary, tokens, logprob, token_logprobs }
 *   judge score: { id, k, tokens, logprob }
 * `tokens` counts the scored tokens, EOS included when the summary ended with it; `logprob` is their summed
 * log-probability, so `logprob / tokens` is the length-normalised log-likelihood.
 */
import { readJsonlFile } from '../data/read-file.js';
import { XlsumFormatError, parseStringFields } from '../data/row.js';

export interface CandidateRow {
  readonly id: string;
  readonly k: number;
  readonly summary: string;
  readonly tokens: number;
  readonly logprob: number;
  readonly token_logprobs: readonly number[];
}

export interface JudgeScoreRow {
  readonly id: string;
  readonly k: number;
  readonly tokens: number;
  readonly logprob: number;
}

const CANDIDATES = 'a candidates file (JSONL, one { id, k, summary, ... } a line: xlsum/generate output)';

export function encodeJsonl(rows: readonly object[]): Buffer {
  return Buffer.from(rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
}

/** The { id, k, summary } of every candidate (other fields ignored); `k` must be a non-negative integer. */
export function readCandidateSummaries(file: string): Promise<{ id: string; k: number; summary: string }[]> {
  return readJsonlFile(file, CANDIDATES, (line, n) => {
    const { id, summary } = parseStringFields(line, file, n, ['id', 'summary'], CANDIDATES);
    const k = (JSON.parse(line) as { k?: unknown }).k;
    if (!Number.isSafeInteger(k) || (k as number) < 0) throw new XlsumFormatError(`${file}:${n}: field "k" must be a non-negative integer, found ${JSON.stringify(k ?? null)}`);
    return { id, k: k as number, summary };
  });
}
