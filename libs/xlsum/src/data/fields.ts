/**
 * Typed fields of one JSONL line for the files that are not XL-Sum articles (candidates, judge scores,
 * ROUGE scores): each check throws `file:line: ...` naming the field, what it must be and what it is.
 */
import { describeValue as describe, XlsumFormatError } from './row.js';

/** Where a line came from, for error messages: `file:line` and what the file should hold. */
export interface LineSource {
  readonly where: string;
  readonly what: string;
}

/** The JSON object on one line. */
export function parseObject(line: string, source: LineSource): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new XlsumFormatError(`${source.where}: not valid JSON (${(error as Error).message}); each line of ${source.what} is one JSON object`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new XlsumFormatError(`${source.where}: expected a JSON object (a line of ${source.what}), found ${describe(value)}`);
  return value as Record<string, unknown>;
}

/** `field` if the record has it, else undefined. */
export function optionalCountField(record: Record<string, unknown>, field: string, source: LineSource): number | undefined {
  return field in record ? numberField(record, field, source, true) : undefined;
}

function present(record: Record<string, unknown>, field: string, source: LineSource): unknown {
  if (!(field in record)) throw new XlsumFormatError(`${source.where}: missing field "${field}" (a line of ${source.what})`);
  return record[field];
}

export function stringField(record: Record<string, unknown>, field: string, source: LineSource): string {
  const value = present(record, field, source);
  if (typeof value !== 'string') throw new XlsumFormatError(`${source.where}: field "${field}" must be a string, found ${describe(value)}`);
  return value;
}

export function booleanField(record: Record<string, unknown>, field: string, source: LineSource): boolean {
  const value = present(record, field, source);
  if (typeof value !== 'boolean') throw new XlsumFormatError(`${source.where}: field "${field}" must be true or false, found ${describe(value)}`);
  return value;
}

/** A finite number; with `count`, a non-negative integer. */
export function numberField(record: Record<string, unknown>, field: string, source: LineSource, count = false): number {
  const value = present(record, field, source);
  const ok = typeof value === 'number' && Number.isFinite(value) && (!count || (Number.isInteger(value) && value >= 0));
  if (!ok) throw new XlsumFormatError(`${source.where}: field "${field}" must be ${count ? 'a non-negative integer' : 'a finite number'}, found ${typeof value === 'number' ? value : describe(value)}`);
  return value as number;
}
