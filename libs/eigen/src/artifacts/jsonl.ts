/**
 * JSON Lines artifacts: a header object on the first line (with a `format` tag), then one object per
 * line. Line-oriented so that a generator (TypeScript or a Python/PyTorch command step) can stream its
 * output as it decodes, and so that a reader's error names the line to look at.
 */
import { readFile } from 'node:fs/promises';

export interface JsonlDocument<H> {
  readonly header: H;
  /** Parsed rows with their 1-based line numbers, for error messages. */
  readonly rows: readonly { readonly line: number; readonly value: unknown }[];
}

export function encodeJsonl(header: { format: string }, rows: Iterable<unknown>): Uint8Array {
  const parts = [JSON.stringify(header)];
  for (const row of rows) parts.push(JSON.stringify(row));
  return new TextEncoder().encode(`${parts.join('\n')}\n`);
}

/** Parses a JSONL artifact, checking its format tag so that a wrongly wired input fails with a sentence. */
export function decodeJsonl<H extends { format: string }>(text: string, format: H['format'], what: string, source: string): JsonlDocument<H> {
  const lines = text.split('\n');
  const parse = (index: number): unknown => {
    try {
      return JSON.parse(lines[index]!);
    } catch (error) {
      throw new Error(`${what}: ${source}:${index + 1}: not a JSON object (${(error as Error).message})`);
    }
  };
  if (lines[0] === undefined || lines[0].trim() === '') throw new Error(`${what}: ${source} is empty; expected a "${format}" JSON Lines file`);
  const header = parse(0) as { format?: unknown } | null;
  if (header?.format !== format) {
    const found = header?.format === undefined ? 'has no format tag' : `is "${String(header.format)}"`;
    throw new Error(`${what}: expected a "${format}" file but ${source} ${found}; pass the output of the step that produces it`);
  }
  const rows: { line: number; value: unknown }[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    rows.push({ line: i + 1, value: parse(i) });
  }
  return { header: header as H, rows };
}

export async function readJsonl<H extends { format: string }>(path: string, format: H['format'], what: string): Promise<JsonlDocument<H>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`${what}: cannot read ${path} (${(error as Error).message})`);
  }
  return decodeJsonl<H>(text, format, what, path);
}

/** Throws `what: source:line: message` for a row that breaks the format. */
export function rowError(what: string, source: string, line: number, message: string): Error {
  return new Error(`${what}: ${source}:${line}: ${message}`);
}
