/**
 * Reads the three per-candidate files a selector needs (the generator's candidates, their ROUGE scores
 * from xlsum/rouge, and optionally a judge's likelihoods) and joins them on (id, k) into one pool, so
 * that a candidate missing from a file, or a file about other candidates, fails naming both files.
 */
import { readJsonlFile } from '../data/read-file.js';
import { booleanField, numberField, parseObject, stringField } from '../data/fields.js';
import type { LineSource } from '../data/fields.js';
import { metricField } from '../data/metric-field.js';
import { XlsumFormatError } from '../data/row.js';

/** One synthesized candidate with everything any selector ranks by. */
export interface PoolCandidate {
  readonly id: string;
  readonly k: number;
  readonly summary: string;
  /** xlsum/rouge's binarised correctness: the ground truth of φ and ψ. */
  readonly correct: boolean;
  /** The ROUGE score the oracle ranks by (the `metric` param). */
  readonly rouge: number;
  /** The generator's length-normalised log-likelihood, logprob / tokens (−∞ for an empty candidate). */
  readonly self: number;
  /** The judge's length-normalised log-likelihood; null without a judge file. */
  readonly judge: number | null;
}

export interface PoolFiles {
  readonly candidates: string;
  readonly scores: string;
  readonly judge?: string | undefined;
  /** `rouge1.fmeasure`, `rougeL.recall`, ...: the score in each scores line the oracle reads. */
  readonly metric: string;
}

const CANDIDATES = 'a candidates file ({ id, k, summary, tokens, logprob, token_logprobs } a line)';
const SCORES = 'a ROUGE scores file written by xlsum/rouge ({ id, k, scores, correct } a line)';
const JUDGE = 'a judge scores file ({ id, k, tokens, logprob } a line)';

interface Keyed {
  readonly id: string;
  readonly k: number;
  readonly line: number;
}

const keyOf = (row: { id: string; k: number }): string => `${row.id}\u0000${row.k}`;
const label = (row: { id: string; k: number }): string => `id "${row.id}", k ${row.k}`;

/** logprob / tokens; an empty candidate has no per-token likelihood and ranks below every other. */
function normalised(record: Record<string, unknown>, source: LineSource): number {
  const tokens = numberField(record, 'tokens', source, true);
  const logprob = numberField(record, 'logprob', source);
  return tokens === 0 ? -Infinity : logprob / tokens;
}

function idAndK(record: Record<string, unknown>, source: LineSource): { id: string; k: number } {
  return { id: stringField(record, 'id', source), k: numberField(record, 'k', source, true) };
}

/** Rows of one file keyed by (id, k); a repeated pair is an error naming both lines. */
async function readKeyed<T extends Keyed>(file: string, what: string, parse: (record: Record<string, unknown>, source: LineSource, line: number) => T): Promise<Map<string, T>> {
  const rows = await readJsonlFile(file, what, (line, n) => {
    const source = { where: `${file}:${n}`, what };
    return parse(parseObject(line, source), source, n);
  });
  const byKey = new Map<string, T>();
  for (const row of rows) {
    const earlier = byKey.get(keyOf(row));
    if (earlier) throw new XlsumFormatError(`${file}:${row.line}: ${label(row)} repeats line ${earlier.line}; each candidate appears once`);
    byKey.set(keyOf(row), row);
  }
  return byKey;
}

/** Every line of `other` must be about a candidate of the pool. */
function checkNoStrangers(other: Map<string, Keyed>, pool: Map<string, Keyed>, file: string, candidates: string): void {
  for (const row of other.values()) {
    if (!pool.has(keyOf(row))) throw new XlsumFormatError(`${file}:${row.line}: ${label(row)} is not a candidate in ${candidates}; give the files of the same candidates`);
  }
}

function lookup<T>(rows: Map<string, T>, candidate: Keyed, file: string, candidates: string): T {
  const row = rows.get(keyOf(candidate));
  if (row === undefined) throw new XlsumFormatError(`${candidates}:${candidate.line}: ${label(candidate)} has no line in ${file}; give the files of the same candidates`);
  return row;
}

/** The candidates in file order, each with its correctness, ROUGE, self and judge scores. */
export async function readPool(files: PoolFiles): Promise<PoolCandidate[]> {
  const candidates = await readKeyed(files.candidates, CANDIDATES, (record, source, line) => ({
    ...idAndK(record, source),
    line,
    summary: stringField(record, 'summary', source),
    self: normalised(record, source),
  }));
  const scores = await readKeyed(files.scores, SCORES, (record, source, line) => ({
    ...idAndK(record, source),
    line,
    correct: booleanField(record, 'correct', source),
    rouge: metricField(record, files.metric, source),
  }));
  const judge = files.judge === undefined ? undefined : await readKeyed(files.judge, JUDGE, (record, source, line) => ({ ...idAndK(record, source), line, judge: normalised(record, source) }));
  checkNoStrangers(scores, candidates, files.scores, files.candidates);
  if (judge && files.judge) checkNoStrangers(judge, candidates, files.judge, files.candidates);
  return [...candidates.values()].map((candidate) => {
    const score = lookup(scores, candidate, files.scores, files.candidates);
    return {
      id: candidate.id,
      k: candidate.k,
      summary: candidate.summary,
      correct: score.correct,
      rouge: score.rouge,
      self: candidate.self,
      judge: judge && files.judge ? lookup(judge, candidate, files.judge, files.candidates).judge : null,
    };
  });
}
