import type { MetricPoint, TrackedInstance, TrackedInstanceStatus } from '../model.js';

export type ColumnKind = 'param' | 'metric' | 'value';

export interface ComparisonColumn {
  readonly kind: ColumnKind;
  readonly key: string;
  /** The key, or `kind.key` where the same key is also a column of another kind. */
  readonly header: string;
}

/** One compared instance, with its metrics reduced to their final values. */
export interface ComparisonRow {
  readonly runId: string;
  readonly instance: string;
  readonly step: string;
  readonly status: TrackedInstanceStatus;
  readonly producedByRun: string | undefined;
  readonly params: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface Comparison {
  /** Distinct run ids, in row order. */
  readonly runs: readonly string[];
  readonly rows: readonly ComparisonRow[];
  /** Differing params, then final metrics, then scalar value outputs; each group sorted by key. */
  readonly columns: readonly ComparisonColumn[];
}

/** The point at the highest step of each metric; among equal steps the one logged last. */
export function finalMetrics(points: readonly MetricPoint[]): Record<string, number> {
  const best = new Map<string, MetricPoint>();
  for (const point of points) {
    const current = best.get(point.key);
    if (!current || point.step >= current.step) best.set(point.key, point);
  }
  return Object.fromEntries([...best].map(([key, point]) => [key, point.value]));
}

const MISSING = Symbol('missing');
const IDENTITY_HEADERS = new Set(['run', 'instance', 'status']);

/**
 * Params that are the same in every row say nothing about why results differ, so only differing ones
 * become columns (a param missing from some rows differs). Rows with no params at all (an instance
 * killed before it finished never recorded them) are unknown, not different, and do not vote. With a
 * single row there is nothing to differ from, and all its params are shown.
 */
export function differingParams(rows: readonly Pick<ComparisonRow, 'params'>[]): string[] {
  const known = rows.filter((row) => Object.keys(row.params).length > 0);
  const keys = [...new Set(known.flatMap((row) => Object.keys(row.params)))].sort();
  if (known.length <= 1) return keys;
  return keys.filter((key) => new Set(known.map((row) => (Object.hasOwn(row.params, key) ? row.params[key] : MISSING))).size > 1);
}

export function buildComparison(instances: readonly TrackedInstance[]): Comparison {
  const rows: ComparisonRow[] = instances.map((instance) => ({
    runId: instance.runId,
    instance: instance.name,
    step: instance.step,
    status: instance.status,
    producedByRun: instance.producedByRun,
    params: instance.params,
    metrics: finalMetrics(instance.metrics),
    values: instance.values,
  }));
  const metricKeys = [...new Set(rows.flatMap((row) => Object.keys(row.metrics)))].sort();
  // Structured values (arrays, curves) do not fit a cell; they stay in the JSON rows.
  const valueKeys = [...new Set(rows.flatMap((row) => Object.entries(row.values).filter(([, value]) => value === null || typeof value !== 'object').map(([key]) => key)))]
    .filter((key) => !metricKeys.includes(key))
    .sort();
  const keyed: [ColumnKind, string][] = [
    ...differingParams(rows).map((key): [ColumnKind, string] => ['param', key]),
    ...metricKeys.map((key): [ColumnKind, string] => ['metric', key]),
    ...valueKeys.map((key): [ColumnKind, string] => ['value', key]),
  ];
  const uses = new Map<string, number>();
  for (const [, key] of keyed) uses.set(key, (uses.get(key) ?? 0) + 1);
  const columns = keyed.map(([kind, key]) => ({ kind, key, header: (uses.get(key) ?? 0) > 1 || IDENTITY_HEADERS.has(key) ? `${kind}.${key}` : key }));
  return { runs: [...new Set(rows.map((row) => row.runId))], rows, columns };
}

export function cellValue(row: ComparisonRow, column: ComparisonColumn): unknown {
  if (column.kind === 'param') return row.params[column.key];
  if (column.kind === 'metric') return row.metrics[column.key];
  return row.values[column.key];
}

/** Headers and raw cells: `run` (unless left out), `instance`, `status`, then the comparison's columns. */
export function comparisonTable(comparison: Comparison, options: { includeRun?: boolean } = {}): { headers: string[]; cells: unknown[][] } {
  const includeRun = options.includeRun ?? true;
  const headers = [...(includeRun ? ['run'] : []), 'instance', 'status', ...comparison.columns.map((column) => column.header)];
  const cells = comparison.rows.map((row) => [...(includeRun ? [row.runId] : []), row.instance, row.status, ...comparison.columns.map((column) => cellValue(row, column))]);
  return { headers, cells };
}
