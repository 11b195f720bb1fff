/**
 * The `selection` artifact of eigen/verify: for each input that had candidates, the label the verifier
 * chose, or a drop. It is the synthesized training set: a trainer pairs each kept row with matrix
 * `index` of the same `data` file (see training-pairs.ts).
 *
 *   line 1: {"format":"veriflow.eigen.selection/1","vocabulary":"p1000/1","dim":5,"count":N,"kept":K,
 *            "mode":"best-of-beam"|"prune","verifier":"<label>","tolerance":0.01,"measured":{…}}
 *   then N lines, in the candidates file's order:
 *           {"index":i,"kept":true,"candidate":k,"score":s,"tokens":[ids],"eigenvalues":[…],"correct":true}
 *           {"index":i,"kept":false}
 *
 * - `candidate`: position of the chosen candidate in that input's list in the candidates file.
 * - `tokens`: the chosen label in canonical P1000 ids (`V{dim} V1` + 3·dim, no <s>/</s>), re-encoded
 *   from `eigenvalues` so every training target has one spelling whatever the generator wrote.
 * - `correct`: whether the label is within `tolerance` of the truth; for analysis only, a trainer must
 *   not read it (it is what the verifier could not know).
 * - `measured`: the counts and rates of eigen/verify (see SelectionMeasured).
 */
import { VOCABULARY_NAME } from '../encoding/vocabulary.js';
import { decodeJsonl, encodeJsonl, readJsonl, rowError } from './jsonl.js';

export const SELECTION_FORMAT = 'veriflow.eigen.selection/1';

export type SelectionMode = 'best-of-beam' | 'prune';

export interface SelectionMeasured {
  readonly correct: number;
  readonly wrong: number;
  readonly kept_correct: number;
  readonly kept_wrong: number;
  readonly malformed: number;
  readonly phi: number | null;
  readonly psi: number | null;
  readonly p_star: number | null;
  readonly generator_error: number | null;
  readonly keep_rate: number | null;
  readonly top1_error: number | null;
}

export interface SelectionHeader {
  readonly format: typeof SELECTION_FORMAT;
  readonly vocabulary: string;
  readonly dim: number;
  readonly count: number;
  readonly kept: number;
  readonly mode: SelectionMode;
  readonly verifier: string;
  readonly tolerance: number;
  readonly measured: SelectionMeasured;
}

export type SelectionRow =
  | {
      readonly index: number;
      readonly kept: true;
      readonly candidate: number;
      readonly score: number;
      readonly tokens: readonly number[];
      readonly eigenvalues: readonly number[];
      readonly correct: boolean;
    }
  | { readonly index: number; readonly kept: false };

export interface SelectionFile {
  readonly header: SelectionHeader;
  readonly rows: readonly SelectionRow[];
}

export function selectionHeader(fields: Omit<SelectionHeader, 'format' | 'vocabulary'>): SelectionHeader {
  return { format: SELECTION_FORMAT, vocabulary: VOCABULARY_NAME, ...fields };
}

export function encodeSelection(file: SelectionFile): Uint8Array {
  return encodeJsonl(file.header, file.rows);
}

export function decodeSelection(text: string, source = 'selection'): SelectionFile {
  return check(decodeJsonl<SelectionHeader>(text, SELECTION_FORMAT, 'selection', source), source);
}

export async function readSelection(path: string): Promise<SelectionFile> {
  return check(await readJsonl<SelectionHeader>(path, SELECTION_FORMAT, 'selection'), path);
}

function check(doc: { header: SelectionHeader; rows: readonly { line: number; value: unknown }[] }, source: string): SelectionFile {
  const { header } = doc;
  if (doc.rows.length !== header.count) throw rowError('selection', source, 1, `header says ${header.count} rows but the file has ${doc.rows.length}`);
  const rows = doc.rows.map(({ line, value }) => {
    const row = value as Partial<SelectionRow> & { tokens?: unknown; eigenvalues?: unknown };
    if (typeof row !== 'object' || row === null || !Number.isSafeInteger(row.index) || typeof row.kept !== 'boolean') {
      throw rowError('selection', source, line, 'expected {"index": …, "kept": true|false, …}');
    }
    if (row.kept && (!Array.isArray(row.tokens) || !Array.isArray(row.eigenvalues) || row.eigenvalues.length !== header.dim)) {
      throw rowError('selection', source, line, `a kept row needs "tokens" and ${header.dim} "eigenvalues"`);
    }
    return row as SelectionRow;
  });
  const kept = rows.filter((row) => row.kept).length;
  if (kept !== header.kept) throw rowError('selection', source, 1, `header says ${header.kept} kept rows but ${kept} are marked kept`);
  return { header, rows };
}
