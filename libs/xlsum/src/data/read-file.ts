/**
 * Reads JSONL files line by line: the XL-Sum English train split (306,522 articles) is too large to hold
 * as one string, and the loader needs it twice without keeping it.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseXlsumLine, XlsumFormatError } from './row.js';
import type { XlsumRow } from './row.js';

const XLSUM_FILE = 'a local XL-Sum JSONL file (e.g. english_train.jsonl) or of a corpus written by xlsum/corpus';

/**
 * Calls `visit(parse(line, lineNumber), rowIndex)` for every non-blank line of `file`, in order, and
 * returns the number of rows. A missing, unreadable, directory or empty file throws an error that says
 * which and what `file` should be (`what`).
 */
export async function forEachJsonlRow<T>(
  file: string,
  what: string,
  parse: (line: string, lineNumber: number) => T,
  visit: (row: T, index: number) => void | Promise<void>,
): Promise<number> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new XlsumFormatError(`${file}: no such file; give the path of ${what}`);
    throw new XlsumFormatError(`${file}: cannot be read (${error.message})`);
  });
  if (info.isDirectory()) throw new XlsumFormatError(`${file} is a directory; give the path of ${what}`);
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  let rows = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    await visit(parse(line, lineNumber), rows);
    rows += 1;
  }
  if (rows === 0) throw new XlsumFormatError(`${file} is empty: it holds no rows (${what}, one JSON object a line)`);
  return rows;
}

/** Every row of a JSONL file (see forEachJsonlRow). */
export async function readJsonlFile<T>(file: string, what: string, parse: (line: string, lineNumber: number) => T): Promise<T[]> {
  const rows: T[] = [];
  await forEachJsonlRow(file, what, parse, (row) => void rows.push(row));
  return rows;
}

/** Visits every row of an XL-Sum JSONL file, checking each; returns the number of rows. */
export function forEachXlsumRow(file: string, visit: (row: XlsumRow, index: number) => void | Promise<void>): Promise<number> {
  return forEachJsonlRow(file, XLSUM_FILE, (line, n) => parseXlsumLine(line, file, n), visit);
}

/** Every row of an XL-Sum JSONL file. */
export function readXlsumFile(file: string): Promise<XlsumRow[]> {
  return readJsonlFile(file, XLSUM_FILE, (line, n) => parseXlsumLine(line, file, n));
}
