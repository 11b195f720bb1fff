/** Reads JSONL files line by line (the XL-Sum English train split is too large to hold as one string). */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseXlsumLine, XlsumFormatError } from './row.js';
import type { XlsumRow } from './row.js';

/**
 * `parse(line, lineNumber)` of every non-blank line of `file`; a missing, unreadable, directory or empty
 * file throws an error that says which and what `file` should be (`what`).
 */
export async function readJsonlFile<T>(file: string, what: string, parse: (line: string, lineNumber: number) => T): Promise<T[]> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new XlsumFormatError(`${file}: no such file; give the path of ${what}`);
    throw new XlsumFormatError(`${file}: cannot be read (${error.message})`);
  });
  if (info.isDirectory()) throw new XlsumFormatError(`${file} is a directory; give the path of ${what}`);
  const rows: T[] = [];
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() !== '') rows.push(parse(line, lineNumber));
  }
  if (rows.length === 0) throw new XlsumFormatError(`${file} is empty: it holds no rows (${what}, one JSON object a line)`);
  return rows;
}

/** Every row of an XL-Sum JSONL file. */
export function readXlsumFile(file: string): Promise<XlsumRow[]> {
  return readJsonlFile(file, 'a local XL-Sum JSONL file (e.g. english_train.jsonl) or of a corpus written by xlsum/corpus', (line, n) => parseXlsumLine(line, file, n));
}
