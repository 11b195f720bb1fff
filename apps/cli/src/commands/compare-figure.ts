import type { LineChartSpec, LinePoint, LineSeries } from '@veriflow/steps-core';
import type { Comparison, ComparisonRow } from '@veriflow/tracking';
import { UsageError } from '../usage-error.js';

/** A metric's final value, or a numeric value output of that name (e.g. an accuracy the step returned). */
function numberOf(row: ComparisonRow, key: string): number | undefined {
  if (Object.hasOwn(row.metrics, key)) return row.metrics[key];
  const value = row.values[key];
  return typeof value === 'number' ? value : undefined;
}

const sorted = (items: Iterable<string>): string[] => [...new Set(items)].sort();

function checkMetric(comparison: Comparison, metric: string): void {
  if (comparison.rows.some((row) => numberOf(row, metric) !== undefined)) return;
  const known = sorted(comparison.rows.flatMap((row) => [...Object.keys(row.metrics), ...Object.entries(row.values).filter(([, v]) => typeof v === 'number').map(([k]) => k)]));
  throw new UsageError(`no compared instance has a metric "${metric}"${known.length > 0 ? `; available: ${known.join(', ')}` : ''}`);
}

/** `train[p=0.1]` shows as `p=0.1` when every row is of step `train`: rotated axis labels have little room. */
function rowLabels(rows: readonly ComparisonRow[]): string[] {
  const steps = new Set(rows.map((row) => row.step));
  const [step] = steps;
  if (steps.size !== 1 || step === undefined) return rows.map((row) => row.instance);
  return rows.map((row) => (row.instance.startsWith(`${step}[`) && row.instance.endsWith(']') ? row.instance.slice(step.length + 1, -1) : row.instance));
}

/** The shortest prefixes (at least a date's worth) that tell the compared runs apart, for legends that truncate. */
export function shortRunLabels(runs: readonly string[]): Map<string, string> {
  const longest = Math.max(0, ...runs.map((id) => id.length));
  let length = Math.min(8, longest);
  while (length < longest && new Set(runs.map((id) => id.slice(0, length))).size < runs.length) length++;
  return new Map(runs.map((id) => [id, id.length > length ? `${id.slice(0, length)}…` : id]));
}

/**
 * One dot per compared row on a categorical axis, coloured by run. Rows are unrelated, so a NaN point
 * after each one keeps the renderer from joining them with lines.
 */
function perRow(comparison: Comparison, metric: string): LineChartSpec {
  const series: LineSeries[] = comparison.runs.map((runId) => ({
    label: runId,
    points: comparison.rows.flatMap((row, index): LinePoint[] => (row.runId === runId ? [{ x: index, y: numberOf(row, metric) ?? Number.NaN }, { x: index, y: Number.NaN }] : [])),
  }));
  return { series, title: `${metric} by instance`, yLabel: metric, xCategories: rowLabels(comparison.rows), legendTitle: comparison.runs.length > 1 ? 'run' : undefined };
}

/**
 * The metric against one param: numeric when every value parses as a number, categorical otherwise.
 * Rows that agree on everything else that differs (and on the run, when several are compared) form
 * one line, so a sweep over p with two verifiers draws two curves.
 */
function againstParam(comparison: Comparison, metric: string, param: string): LineChartSpec {
  const rows = comparison.rows.filter((row) => Object.hasOwn(row.params, param));
  if (rows.length === 0) throw new UsageError(`no compared instance has a param "${param}"; available: ${sorted(comparison.rows.flatMap((row) => Object.keys(row.params))).join(', ')}`);
  const raw = rows.map((row) => row.params[param]!);
  const numeric = raw.every((text) => text.trim() !== '' && Number.isFinite(Number(text)));
  const categories = numeric ? undefined : sorted(raw);
  const xOf = (text: string): number => (categories ? categories.indexOf(text) : Number(text));
  const others = comparison.columns.filter((column) => column.kind === 'param' && column.key !== param).map((column) => column.key);
  const byRun = comparison.runs.length > 1;
  const runLabels = shortRunLabels(comparison.runs);
  const groupFields = [...others, ...(byRun ? ['run'] : [])];
  const groups = new Map<string, LinePoint[]>();
  for (const row of rows) {
    const parts = others.map((field) => `${field}=${row.params[field] ?? '-'}`);
    if (byRun) parts.push(runLabels.get(row.runId) ?? row.runId);
    const label = parts.join(', ') || metric;
    const points = groups.get(label) ?? [];
    points.push({ x: xOf(row.params[param]!), y: numberOf(row, metric) ?? Number.NaN });
    groups.set(label, points);
  }
  const series = [...groups].map(([label, points]) => ({ label, points: points.sort((a, b) => a.x - b.x) }));
  return {
    series,
    title: `${metric} against ${param}`,
    xLabel: param,
    yLabel: metric,
    xCategories: categories,
    legendTitle: groupFields.length > 0 ? groupFields.join(', ') : undefined,
  };
}

/** The chart `veriflow compare --figure` draws; validated here so a typo is a usage error, not an empty plot. */
export function comparisonFigure(comparison: Comparison, metric: string, param: string | undefined): LineChartSpec {
  checkMetric(comparison, metric);
  return param === undefined ? perRow(comparison, metric) : againstParam(comparison, metric, param);
}
