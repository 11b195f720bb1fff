import type { Comparison } from './comparison.js';
import { comparisonTable } from './comparison.js';

/** Full precision, unlike the text table: CSV is for further analysis. Missing cells are empty. */
export function csvText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, with quotes doubled. */
export function csvField(value: unknown): string {
  const text = csvText(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 CSV: a header line, one record per row, CRLF line ends (including after the last record). */
export function comparisonCsv(comparison: Comparison): string {
  const { headers, cells } = comparisonTable(comparison);
  return [headers, ...cells].map((record) => `${record.map(csvField).join(',')}\r\n`).join('');
}

/**
 * The machine-readable comparison: the columns a table would show, and for each row everything the
 * comparison knows (all params, not only the differing ones), so scripts need not re-read the store.
 */
export function comparisonJson(comparison: Comparison): unknown {
  return {
    runs: comparison.runs,
    columns: comparison.columns,
    rows: comparison.rows.map((row) => ({ ...row, producedByRun: row.producedByRun ?? null })),
  };
}
