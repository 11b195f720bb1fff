/** Reads an XL-Sum JSONL file line by line (the English train split is too large to hold as one string). */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseXlsumLine, XlsumFormatError } from './row.js';
import type { XlsumRow } from './row.js';

/** Every row of `file`; a missing, unreadable or empty file, or a bad line, throws an error that says which. */
export async function readXlsumFile(file: string): Promise<XlsumRow[]> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new XlsumFormatError(`${file}: no such file; give the path of a local XL-Sum JSONL file (e.g. english_train.jsonl) or of a corpus written by xlsum/corpus`);
    throw new XlsumFormatError(`${file}: cannot be read (${error.message})`);
  });
  if (info.isDirectory()) throw new XlsumFormatError(`${file} is a directory; give one XL-Sum JSONL file (e.g. ${file}/english_train.jsonl)`);
  const rows: XlsumRow[] = [];
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() !== '') rows.push(parseXlsumLine(line, file, lineNumber));
  }
  if (rows.length === 0) throw new XlsumFormatError(`${file} is empty: it holds no XL-Sum rows (one JSON object a line with id, url, title, summary, text)`);
  return rows;
}
