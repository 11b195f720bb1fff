import { formatValue, labelOf } from './format.js';
import { renderBarChart } from './bar-chart.js';
import type { BarSeries } from './bar-chart.js';
import { columnPosition, renderHeatmap } from './heatmap.js';
import { renderLineChart } from './line-chart.js';
import type { LineSeries, VerticalMarker } from './line-chart.js';
import type { FieldLookup } from './instance-fields.js';
import { shortName } from './instance-fields.js';

/** A coordinate that may be numeric or categorical; keys are its label text. */
interface Key {
  readonly label: string;
  readonly number: number | undefined;
}

function keyOf(value: unknown): Key | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? { label: String(value), number: value } : undefined;
  return { label: labelOf(value), number: undefined };
}

/** Distinct keys: ascending when all are numbers, else in order of first appearance. */
function orderKeys(keys: readonly (Key | undefined)[]): Key[] {
  const distinct = new Map<string, Key>();
  for (const key of keys) if (key && !distinct.has(key.label)) distinct.set(key.label, key);
  const list = [...distinct.values()];
  return list.every((k) => k.number !== undefined) ? list.sort((a, b) => a.number! - b.number!) : list;
}

/** What the error bars of averaged points show. */
export type ErrorBars = 'stderr' | 'sd' | 'none';

interface Summary {
  readonly y: number;
  readonly n: number;
  /** Sample standard deviation (n − 1); 0 for one value. */
  readonly sd: number | undefined;
  /** Standard error of the mean, sd / √n. */
  readonly stderr: number | undefined;
}

/** Mean, sample standard deviation and standard error of the finite values; y is NaN when there are none. */
function summarize(values: readonly number[]): Summary {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  if (n === 0) return { y: Number.NaN, n: 0, sd: undefined, stderr: undefined };
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  const sd = Math.sqrt(variance);
  return { y: mean, n, sd, stderr: sd / Math.sqrt(n) };
}

function errorOf(summary: Summary, bars: ErrorBars): number | undefined {
  return bars === 'none' ? undefined : summary[bars];
}

const ERROR_BAR_NOTE: Record<Exclude<ErrorBars, 'none'>, string> = { stderr: '± 1 standard error', sd: '± 1 sd' };

function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(header: readonly string[], rows: readonly (readonly (string | number | undefined)[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

function nNote(counts: readonly number[]): string {
  const min = Math.min(...counts);
  const max = Math.max(...counts);
  return min === max ? `${min}` : `${min}–${max}`;
}

export interface Figure {
  readonly svg: string;
  readonly csv: string;
  readonly summary: string;
}

interface MarkerOption {
  readonly field: string;
  readonly label?: string;
}

/** What line and bar charts both read: y per (series, x), optionally averaged. */
interface SeriesOptions {
  readonly x: string;
  readonly y: string;
  readonly series: string | undefined;
  readonly title: string | undefined;
  readonly xLabel: string | undefined;
  readonly yLabel: string | undefined;
  readonly referenceLines: readonly { readonly y: number; readonly label: string }[];
  readonly aggregate: boolean;
  readonly errorBars: ErrorBars;
}

interface LineOptions extends SeriesOptions {
  readonly logX: boolean;
  readonly logY: boolean;
  readonly markers: MarkerOption | undefined;
}

interface BarOptions extends SeriesOptions {
  readonly baseline: number;
}

/** Title, axis labels and legend of a line or bar chart; `counts` holds the number of values behind each mark. */
function seriesLabels(options: SeriesOptions, counts: readonly number[], note: (counts: readonly number[], errorBars: ErrorBars) => string | undefined) {
  return {
    title: options.title,
    xLabel: options.xLabel ?? shortName(options.x),
    yLabel: options.yLabel ?? shortName(options.y),
    legendTitle: options.series ? shortName(options.series) : undefined,
    legend: options.series !== undefined || (options.aggregate && counts.length > 0),
    note: options.aggregate ? note(counts, options.errorBars) : undefined,
    referenceLines: options.referenceLines,
  };
}

/** The instances of each (series, x) cell: series and x values in plotting order. */
interface Cells {
  readonly xOrder: readonly Key[];
  readonly categorical: boolean;
  readonly ys: readonly number[];
  readonly series: readonly {
    readonly key: Key;
    /** The series' instances that have an x value. */
    readonly members: readonly number[];
    /** Those instances by x label. */
    readonly byX: ReadonlyMap<string, readonly number[]>;
  }[];
}

function seriesCells(lookup: FieldLookup, x: string, y: string, series: string | undefined): Cells {
  const count = lookup.instances.length;
  const xKeys = lookup.values(x, 'x').map(keyOf);
  const ys = lookup.numbers(y, 'y');
  const seriesKeys = series ? lookup.values(series, 'series').map(keyOf) : Array.from({ length: count }, () => ({ label: shortName(y), number: undefined }));
  const xOrder = orderKeys(xKeys);
  return {
    xOrder,
    categorical: xOrder.some((k) => k.number === undefined),
    ys,
    series: orderKeys(seriesKeys).map((key) => {
      const members = lookup.instances.map((_, i) => i).filter((i) => seriesKeys[i]?.label === key.label && xKeys[i] !== undefined);
      const byX = new Map<string, number[]>();
      for (const i of members) {
        const label = xKeys[i]!.label;
        byX.set(label, [...(byX.get(label) ?? []), i]);
      }
      return { key, members, byX };
    }),
  };
}

/** Under the legend, when some marks are means: over how many runs, and what the error bars show. */
function meanNote(marks: string, per: string, errorMarks: string, counts: readonly number[], errorBars: ErrorBars): string | undefined {
  if (!counts.some((count) => count > 1)) return undefined;
  return `${marks}: mean over ${nNote(counts)} runs per ${per}${errorBars === 'none' ? '' : `; ${errorMarks}: ${ERROR_BAR_NOTE[errorBars]}`}`;
}

export function lineFigure(lookup: FieldLookup, options: LineOptions): Figure {
  const count = lookup.instances.length;
  const { xOrder, categorical, ys, series: cellSeries } = seriesCells(lookup, options.x, options.y, options.series);
  const markerValues = options.markers ? lookup.numbers(options.markers.field, 'markers') : undefined;
  const xIndex = new Map(xOrder.map((k, i) => [k.label, i]));
  const xValue = (key: Key): number => (categorical ? xIndex.get(key.label)! : key.number!);

  const rows: (string | number | undefined)[][] = [];
  const lineSeries: LineSeries[] = [];
  const markers: VerticalMarker[] = [];
  const counts: number[] = [];
  let duplicates = 0;
  let dropped = 0;
  cellSeries.forEach(({ key: seriesKey, members, byX }, seriesIndex) => {
    const points = [];
    for (const xKey of xOrder) {
      const group = byX.get(xKey.label);
      if (!group) continue;
      const x = xValue(xKey);
      if (options.aggregate) {
        const s = summarize(group.map((i) => ys[i]!));
        points.push({ x, y: s.y, spread: errorOf(s, options.errorBars) });
        if (s.n > 0) {
          rows.push([seriesKey.label, xKey.label, s.y, s.n, s.sd, s.stderr]);
          counts.push(s.n);
        }
      } else {
        if (group.length > 1) duplicates++;
        for (const i of group) {
          points.push({ x, y: ys[i]! });
          if (Number.isFinite(ys[i]!)) rows.push([seriesKey.label, xKey.label, ys[i]!, 1, undefined, undefined]);
        }
      }
    }
    for (const p of points) {
      if (Number.isFinite(p.y) && ((options.logX && !categorical && p.x <= 0) || (options.logY && p.y <= 0))) dropped++;
    }
    lineSeries.push({ label: seriesKey.label, points });
    if (markerValues && options.markers) {
      const mean = summarize(members.map((i) => markerValues[i]!)).y;
      if (Number.isFinite(mean)) {
        const label = options.markers.label ?? shortName(options.markers.field).split('.').pop()!;
        markers.push({ x: mean, label: `${label} = ${formatValue(mean, 3)}`, series: seriesIndex });
      }
    }
  });
  if (duplicates > 0) {
    lookup.log.warn(`core/plot: ${duplicates} (series, x) pairs have several points; set \`aggregate: mean\` to average them (e.g. over seeds)`);
  }
  if (dropped > 0) lookup.log.warn(`core/plot: ${dropped} points are not positive and cannot be shown on a log axis`);
  if (categorical && markers.length > 0) {
    lookup.log.warn('core/plot: markers need a numeric x axis; they are left out');
    markers.length = 0;
  }

  const svg = renderLineChart({
    ...seriesLabels(options, counts, (n, bars) => meanNote('Lines', 'point', 'bars', n, bars)),
    series: lineSeries,
    logX: options.logX,
    logY: options.logY,
    xCategories: categorical ? xOrder.map((k) => k.label) : undefined,
    markers,
  });
  return {
    svg,
    csv: csv(['series', 'x', 'y', 'n', 'sd', 'stderr'], rows),
    summary: `core/plot: line chart of ${rows.length} points in ${lineSeries.length} series from ${count} instances`,
  };
}

/** Grouped bars: one group per x value, one bar per series in each. */
export function barFigure(lookup: FieldLookup, options: BarOptions): Figure {
  const { xOrder, ys, series: cellSeries } = seriesCells(lookup, options.x, options.y, options.series);
  const rows: (string | number | undefined)[][] = [];
  const counts: number[] = [];
  let duplicates = 0;
  const series: BarSeries[] = cellSeries.map(({ key, byX }) => ({
    label: key.label,
    bars: xOrder.map((xKey) => {
      const group = byX.get(xKey.label);
      if (!group) return null;
      const s = summarize(group.map((i) => ys[i]!));
      if (s.n === 0) return null;
      if (s.n > 1 && !options.aggregate) duplicates++;
      const averaged = options.aggregate || s.n > 1;
      rows.push([key.label, xKey.label, s.y, s.n, averaged ? s.sd : undefined, averaged ? s.stderr : undefined]);
      counts.push(s.n);
      return { y: s.y, spread: options.aggregate ? errorOf(s, options.errorBars) : undefined };
    }),
  }));
  if (duplicates > 0) {
    lookup.log.warn(`core/plot: ${duplicates} bars stand for several values and show their mean; set \`aggregate: mean\` to say so and draw error bars`);
  }

  const svg = renderBarChart({
    ...seriesLabels(options, counts, (n, bars) => meanNote('Bars', 'bar', 'error bars', n, bars)),
    groups: xOrder.map((k) => k.label),
    series,
    baseline: options.baseline,
  });
  return {
    svg,
    csv: csv(['series', 'x', 'y', 'n', 'sd', 'stderr'], rows),
    summary: `core/plot: bar chart of ${rows.length} bars in ${xOrder.length} groups and ${series.length} series from ${lookup.instances.length} instances`,
  };
}

interface HeatmapOptions {
  readonly row: string;
  readonly column: string;
  readonly value: string;
  readonly title: string | undefined;
  readonly xLabel: string | undefined;
  readonly yLabel: string | undefined;
  readonly markers: MarkerOption | undefined;
  readonly aggregate: boolean;
  readonly annotate: boolean;
}

export function heatmapFigure(lookup: FieldLookup, options: HeatmapOptions): Figure {
  const rowKeys = lookup.values(options.row, 'row').map(keyOf);
  const columnKeys = lookup.values(options.column, 'column').map(keyOf);
  const values = lookup.numbers(options.value, 'value');
  const markerValues = options.markers ? lookup.numbers(options.markers.field, 'markers') : undefined;
  const rowOrder = orderKeys(rowKeys);
  const columnOrder = orderKeys(columnKeys);
  const numericColumns = columnOrder.every((k) => k.number !== undefined);

  const cells = new Map<string, number[]>();
  lookup.instances.forEach((_, i) => {
    const r = rowKeys[i];
    const c = columnKeys[i];
    if (!r || !c) return;
    const key = JSON.stringify([r.label, c.label]);
    cells.set(key, [...(cells.get(key) ?? []), i]);
  });

  const csvRows: (string | number | undefined)[][] = [];
  let duplicates = 0;
  const grid = rowOrder.map((r) =>
    columnOrder.map((c) => {
      const group = cells.get(JSON.stringify([r.label, c.label]));
      if (!group) return null;
      if (group.length > 1) duplicates++;
      const s = summarize(group.map((i) => values[i]!));
      if (s.n === 0) return null;
      const spread = options.aggregate || group.length > 1;
      csvRows.push([r.label, c.label, s.y, s.n, spread ? s.sd : undefined, spread ? s.stderr : undefined]);
      return s.y;
    }),
  );
  if (duplicates > 0 && !options.aggregate) {
    lookup.log.warn(`core/plot: ${duplicates} cells have several values and show their mean; set \`aggregate: mean\` to say so`);
  }

  let rowMarkers: number[] | undefined;
  if (markerValues && options.markers) {
    if (!numericColumns) {
      lookup.log.warn('core/plot: markers need numeric columns; they are left out');
    } else {
      const columnNumbers = columnOrder.map((k) => k.number!);
      rowMarkers = rowOrder.map((r) => {
        const mean = summarize(lookup.instances.map((_, i) => i).filter((i) => rowKeys[i]?.label === r.label).map((i) => markerValues[i]!)).y;
        return columnPosition(columnNumbers, mean);
      });
    }
  }

  const svg = renderHeatmap({
    rows: rowOrder.map((k) => k.label),
    columns: columnOrder.map((k) => k.label),
    values: grid,
    title: options.title,
    xLabel: options.xLabel ?? shortName(options.column),
    yLabel: options.yLabel ?? shortName(options.row),
    valueLabel: options.aggregate ? `${shortName(options.value)} (mean)` : shortName(options.value),
    annotate: options.annotate,
    rowMarkers,
    markerLabel: options.markers ? (options.markers.label ?? shortName(options.markers.field).split('.').pop()!) : undefined,
  });
  return {
    svg,
    csv: csv(['row', 'column', 'value', 'n', 'sd', 'stderr'], csvRows),
    summary: `core/plot: heatmap of ${rowOrder.length} × ${columnOrder.length} cells (${csvRows.length} with values) from ${lookup.instances.length} instances`,
  };
}
