/**
 * The `candidates` artifact: what a generator produced for a set of input matrices. This is the
 * contract between the neural engine (beam search) and everything downstream (eigen/verify,
 * eigen/evaluate), so it is plain JSON Lines that a TypeScript or Python generator can stream.
 *
 *   line 1: {"format":"veriflow.eigen.candidates/1","vocabulary":"p1000/1","dim":5,"beam":8,"count":N,
 *            "generator":{...anything, optional}}
 *   then N lines, one per input matrix, in any order:
 *           {"index":i,"candidates":[{"tokens":[...],"score":-0.83}, ...]}
 *
 * - `index`: the row of the input in the `data` file (eigen/sample) the generator was given; each at
 *   most once.
 * - `candidates`: 0..beam entries in any order (downstream ranks them by score, ties by position).
 * - `tokens`: the decoded output as written, P1000 ids (integers) or token strings, with or without a
 *   leading <s> and trailing </s>/<pad>. Nothing is checked here: a malformed output is data, which the
 *   verifier and evaluator count as wrong.
 * - `score`: the generator's own score of the sequence, a finite number, higher is better: the sum of
 *   token log-probabilities (what a beam ranks by). The `self` verifier keeps by it.
 */
import { VOCABULARY_NAME } from '../encoding/vocabulary.js';
import { decodeJsonl, encodeJsonl, readJsonl, rowError } from './jsonl.js';
import type { JsonlDocument } from './jsonl.js';

export const CANDIDATES_FORMAT = 'veriflow.eigen.candidates/1';

export interface CandidatesHeader {
  readonly format: typeof CANDIDATES_FORMAT;
  readonly vocabulary: string;
  readonly dim: number;
  readonly beam: number;
  readonly count: number;
  readonly generator?: unknown;
}

export interface Candidate {
  readonly tokens: readonly (number | string)[];
  readonly score: number;
}

export interface CandidateSet {
  readonly index: number;
  readonly candidates: readonly Candidate[];
}

export interface CandidatesFile {
  readonly header: CandidatesHeader;
  readonly inputs: readonly CandidateSet[];
}

export function candidatesHeader(dim: number, beam: number, count: number, generator?: unknown): CandidatesHeader {
  return { format: CANDIDATES_FORMAT, vocabulary: VOCABULARY_NAME, dim, beam, count, ...(generator === undefined ? {} : { generator }) };
}

export function encodeCandidates(file: CandidatesFile): Uint8Array {
  validate(file.header, file.inputs.map((value, i) => ({ line: i + 2, value })), 'candidates');
  return encodeJsonl(file.header, file.inputs);
}

export function decodeCandidates(text: string, source = 'candidates'): CandidatesFile {
  return fromDocument(decodeJsonl<CandidatesHeader>(text, CANDIDATES_FORMAT, 'candidates', source), source);
}

export async function readCandidates(path: string): Promise<CandidatesFile> {
  return fromDocument(await readJsonl<CandidatesHeader>(path, CANDIDATES_FORMAT, 'candidates'), path);
}

function fromDocument(doc: JsonlDocument<CandidatesHeader>, source: string): CandidatesFile {
  return { header: doc.header, inputs: validate(doc.header, doc.rows, source) };
}

function validate(header: CandidatesHeader, rows: JsonlDocument<CandidatesHeader>['rows'], source: string): CandidateSet[] {
  const fail = (line: number, message: string) => rowError('candidates', source, line, message);
  if (header.vocabulary !== VOCABULARY_NAME) throw fail(1, `vocabulary "${String(header.vocabulary)}" is not supported; expected "${VOCABULARY_NAME}"`);
  for (const key of ['dim', 'beam', 'count'] as const) {
    if (!Number.isSafeInteger(header[key]) || header[key] < (key === 'count' ? 0 : 1)) throw fail(1, `header "${key}" must be a ${key === 'count' ? 'non-negative' : 'positive'} integer, found ${JSON.stringify(header[key])}`);
  }
  if (rows.length !== header.count) throw fail(1, `header says ${header.count} inputs but the file has ${rows.length} lines after it`);
  const seen = new Map<number, number>();
  return rows.map(({ line, value }) => {
    const row = value as { index?: unknown; candidates?: unknown } | null;
    if (typeof row !== 'object' || row === null) throw fail(line, 'expected an object {"index": …, "candidates": […]}');
    const index = row.index;
    if (!Number.isSafeInteger(index) || (index as number) < 0) throw fail(line, `"index" must be a non-negative integer, found ${JSON.stringify(index)}`);
    const earlier = seen.get(index as number);
    if (earlier !== undefined) throw fail(line, `input ${String(index)} already appears on line ${earlier}`);
    seen.set(index as number, line);
    if (!Array.isArray(row.candidates)) throw fail(line, '"candidates" must be an array');
    if (row.candidates.length > header.beam) throw fail(line, `${row.candidates.length} candidates, more than the header's beam of ${header.beam}`);
    row.candidates.forEach((c: { tokens?: unknown; score?: unknown } | null, k: number) => {
      if (typeof c !== 'object' || c === null) throw fail(line, `candidate ${k} must be an object {"tokens": […], "score": …}`);
      if (!Array.isArray(c.tokens) || !c.tokens.every((t) => typeof t === 'number' || typeof t === 'string')) throw fail(line, `candidate ${k}: "tokens" must be an array of token ids or strings`);
      if (typeof c.score !== 'number' || !Number.isFinite(c.score)) throw fail(line, `candidate ${k}: "score" must be a finite number (the sequence's log-probability), found ${JSON.stringify(c.score)}`);
    });
    return row as CandidateSet;
  });
}
