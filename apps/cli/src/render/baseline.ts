import type { BaselineComparison, MovedNumber, OneSided } from '../check/baseline-comparison.js';
import { renderTable } from './table.js';

/** Lines of one kind shown before "… N more": a run on another engine can move every number. */
const SHOWN = 40;

/** Enough digits that a move past the default tolerance is visible in baseline → now. */
export const formatNumber = (value: number): string => (Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(7))));

const signed = (value: number, text: string): string => (value > 0 ? `+${text}` : text);

export const formatDelta = (number: MovedNumber): string => signed(number.delta, String(Number(number.delta.toPrecision(3))));

export const formatRelative = (number: MovedNumber): string =>
  number.relative === undefined ? '' : signed(number.relative, `${Number((number.relative * 100).toPrecision(3))}%`);

const describeOneSided = (entry: OneSided): string =>
  entry.label === undefined ? `${entry.instance} (the whole instance)` : `${entry.instance} ${entry.label} = ${formatNumber(entry.value!)}`;

function capped(lines: readonly string[]): string[] {
  return lines.length <= SHOWN ? [...lines] : [...lines.slice(0, SHOWN), `… ${lines.length - SHOWN} more (--json lists all)`];
}

/** "2 moved, 1 appeared, 0 disappeared, 40 unchanged". */
export function countComparison(comparison: BaselineComparison): string {
  const { moved, appeared, disappeared, unchanged } = comparison;
  return `${moved.length} moved, ${appeared.length} appeared, ${disappeared.length} disappeared, ${unchanged} unchanged`;
}

/** What moved (a table), then what appeared and disappeared, under a heading naming the baseline. */
export function renderComparison(comparison: BaselineComparison, baseline: string): string {
  const { rel, abs } = comparison.tolerances;
  const lines = [`against ${baseline} (rel-tol ${rel}, abs-tol ${abs}): ${countComparison(comparison)}`];
  if (comparison.moved.length > 0) {
    const rows = comparison.moved.map((number) => [number.instance, number.label, formatNumber(number.baseline), formatNumber(number.now), formatDelta(number), formatRelative(number)]);
    const table = renderTable(['moved', 'number', 'baseline', 'now', 'delta', 'relative'], rows).split('\n');
    lines.push(...capped(table).map((line) => `  ${line}`));
  }
  for (const [title, entries] of [['appeared', comparison.appeared], ['disappeared', comparison.disappeared]] as const) {
    if (entries.length === 0) continue;
    lines.push(`  ${title}:`, ...capped(entries.map(describeOneSided)).map((line) => `    ${line}`));
  }
  return lines.join('\n');
}
