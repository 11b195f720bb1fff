/**
 * XL-Sum's JSONL as released (one article per line: id, url, title, summary, text), parsed with errors
 * that name the file, the line and the field.
 */

export interface XlsumRow {
  readonly id: string;
  readonly url: string;
  readonly title: string;
  readonly summary: string;
  readonly text: string;
}

export const XLSUM_FIELDS = ['id', 'url', 'title', 'summary', 'text'] as const;

/** A malformed XL-Sum file: the message starts with `file:line:` where a line is to blame. */
export class XlsumFormatError extends Error {
  override readonly name = 'XlsumFormatError';
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** One line's row; throws `file:line: ...` naming the field at fault. Extra fields are ignored, as XL-Sum's own readers do. */
export function parseXlsumLine(line: string, file: string, lineNumber: number): XlsumRow {
  const where = `${file}:${lineNumber}`;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new XlsumFormatError(`${where}: not valid JSON (${(error as Error).message}); each line of an XL-Sum file is one JSON object`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new XlsumFormatError(`${where}: expected a JSON object with ${XLSUM_FIELDS.join(', ')}, found ${describe(value)}`);
  }
  const record = value as Record<string, unknown>;
  for (const field of XLSUM_FIELDS) {
    if (!(field in record)) throw new XlsumFormatError(`${where}: missing field "${field}" (an XL-Sum row has ${XLSUM_FIELDS.join(', ')})`);
    if (typeof record[field] !== 'string') throw new XlsumFormatError(`${where}: field "${field}" must be a string, found ${describe(record[field])}`);
  }
  return { id: record.id as string, url: record.url as string, title: record.title as string, summary: record.summary as string, text: record.text as string };
}

/** Every row of an XL-Sum JSONL file's text (blank lines skipped; CRLF accepted). */
export function parseXlsumJsonl(content: string, file: string): XlsumRow[] {
  const rows: XlsumRow[] = [];
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    rows.push(parseXlsumLine(line, file, i + 1));
  }
  return rows;
}

/** Rows as XL-Sum JSONL: the five fields in their released order, one object a line. */
export function encodeXlsumJsonl(rows: readonly XlsumRow[]): string {
  return rows.map((row) => `${JSON.stringify({ id: row.id, url: row.url, title: row.title, summary: row.summary, text: row.text })}\n`).join('');
}
