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

/** What a JSON value is, for `found ...` in error messages. */
export function describeValue(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * One JSONL line as an object whose `fields` are all strings; throws `file:line: ...` naming the field
 * at fault. Other fields are ignored, as XL-Sum's own readers do.
 */
export function parseStringFields<F extends string>(line: string, file: string, lineNumber: number, fields: readonly F[], what: string): Record<F, string> {
  const where = `${file}:${lineNumber}`;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new XlsumFormatError(`${where}: not valid JSON (${(error as Error).message}); each line of ${what} is one JSON object`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new XlsumFormatError(`${where}: expected a JSON object with ${fields.join(', ')}, found ${describeValue(value)}`);
  }
  const record = value as Record<string, unknown>;
  for (const field of fields) {
    if (!(field in record)) throw new XlsumFormatError(`${where}: missing field "${field}" (a row of ${what} has ${fields.join(', ')})`);
    if (typeof record[field] !== 'string') throw new XlsumFormatError(`${where}: field "${field}" must be a string, found ${describeValue(record[field])}`);
  }
  return Object.fromEntries(fields.map((field) => [field, record[field]])) as Record<F, string>;
}

/** One line's XL-Sum row (see parseStringFields). */
export function parseXlsumLine(line: string, file: string, lineNumber: number): XlsumRow {
  return parseStringFields(line, file, lineNumber, XLSUM_FIELDS, 'an XL-Sum file');
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
