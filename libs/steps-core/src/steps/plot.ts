import { defineStep } from '@veriflow/step-api';
import type { StepLogger } from '@veriflow/step-api';
import { formatValue, labelOf } from '../plot/format.js';
import { columnPosition, renderHeatmap } from '../plot/heatmap.js';
import { renderLineChart } from '../plot/line-chart.js';
import type { LineSeries, VerticalMarker } from '../plot/line-chart.js';

/** One upstream instance as a fan-in reference (`${{ steps.evaluate.instances }}`) delivers it. */
export type PlotInstance = {
  readonly name: string;
  readonly matrix: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
};

const field = (description: string) => ({ type: 'string', minLength: 1, description }) as const;

export const plot = defineStep({
  name: 'core/plot',
  version: '1',
  description:
    'Draws a line chart or heatmap (SVG) from the instances of a swept step, plus a CSV of the plotted points. ' +
    'Field paths are looked up in each instance\'s outputs, then its matrix; `outputs.` or `matrix.` picks one, dots reach inside objects.',
  with: {
    type: 'object',
    properties: {
      from: {
        type: 'array',
        description: 'The instances to plot: `${{ steps.<id>.instances }}`.',
        items: {
          type: 'object',
          properties: { name: { type: 'string' }, matrix: { type: 'object' }, outputs: { type: 'object' } },
          required: ['name', 'matrix', 'outputs'],
        },
      },
      kind: { type: 'string', enum: ['line', 'heatmap'], default: 'line' },
      x: field('Line: the x coordinate (numbers give a numeric axis, anything else a categorical one).'),
      y: field('Line: the y coordinate (a number; null or NaN leaves a gap).'),
      series: field('Line: one line per distinct value (objects are labelled as `{phi:0.9,psi:0.3}`).'),
      row: field('Heatmap: one row per distinct value.'),
      column: field('Heatmap: one column per distinct value.'),
      value: field('Heatmap: the cell value (a number; missing cells are grey).'),
      title: { type: 'string' },
      x_label: { type: 'string', description: 'Default: the x (or column) field.' },
      y_label: { type: 'string', description: 'Default: the y (or row) field.' },
      log_x: { type: 'boolean', default: false, description: 'Line: log10 x axis (points with x <= 0 are left out).' },
      log_y: { type: 'boolean', default: false, description: 'Line: log10 y axis (points with y <= 0 are left out).' },
      reference_lines: {
        type: 'array',
        description: 'Line: horizontal lines, e.g. the generator accuracy.',
        items: {
          type: 'object',
          properties: { y: { type: 'number' }, label: { type: 'string' } },
          required: ['y', 'label'],
          additionalProperties: false,
        },
      },
      markers: {
        type: 'object',
        description:
          'A vertical line at the mean of `field` over each series (heatmap: each row), e.g. a predicted threshold, labelled "<label> = <mean>".',
        properties: {
          field: { type: 'string', minLength: 1 },
          label: { type: 'string', description: 'Default: the last part of `field`.' },
        },
        required: ['field'],
        additionalProperties: false,
      },
      aggregate: {
        type: 'string',
        enum: ['mean'],
        description: 'Average points with the same series and x (heatmap: the same cell), e.g. seeds; the band shows ± 1 sample standard deviation.',
      },
      annotate: { type: 'boolean', default: true, description: 'Heatmap: write each value in its cell.' },
    },
    required: ['from'],
    additionalProperties: false,
  },
  outputs: {
    figure: { kind: 'artifact', media: 'image/svg+xml', description: 'The chart, a standalone SVG document.' },
    data: { kind: 'artifact', media: 'text/csv', description: 'CSV of the plotted points: series,x,y,n,spread (heatmap: row,column,value,n,spread).' },
  },
}).run(async (ctx) => {
  const w = ctx.with;
  const instances = w.from.map(
    (item): PlotInstance => ({ name: String(item.name), matrix: asRecord(item.matrix), outputs: asRecord(item.outputs) }),
  );
  const lookup = new FieldLookup(instances, ctx.log);
  const heatmap = (w.kind ?? 'line') === 'heatmap';
  const unused = heatmap
    ? { x: w.x, y: w.y, series: w.series, log_x: w.log_x || undefined, log_y: w.log_y || undefined, reference_lines: w.reference_lines }
    : { row: w.row, column: w.column, value: w.value };
  const ignored = Object.entries(unused).filter(([, value]) => value !== undefined).map(([key]) => key);
  if (ignored.length > 0) ctx.log.warn(`core/plot: ${ignored.join(', ')} ${ignored.length === 1 ? 'does' : 'do'} not apply to a ${heatmap ? 'heatmap' : 'line chart'} and ${ignored.length === 1 ? 'is' : 'are'} ignored`);
  const result = heatmap
    ? heatmapFigure(lookup, {
        row: required(w.row, 'row', 'heatmap'),
        column: required(w.column, 'column', 'heatmap'),
        value: required(w.value, 'value', 'heatmap'),
        title: w.title,
        xLabel: w.x_label,
        yLabel: w.y_label,
        markers: w.markers,
        aggregate: w.aggregate === 'mean',
        annotate: w.annotate ?? true,
      })
    : lineFigure(lookup, {
        x: required(w.x, 'x', 'line'),
        y: required(w.y, 'y', 'line'),
        series: w.series,
        title: w.title,
        xLabel: w.x_label,
        yLabel: w.y_label,
        logX: w.log_x ?? false,
        logY: w.log_y ?? false,
        referenceLines: w.reference_lines ?? [],
        markers: w.markers,
        aggregate: w.aggregate === 'mean',
      });
  ctx.log.info(result.summary);
  await ctx.writeBytes('figure', new TextEncoder().encode(result.svg));
  await ctx.writeBytes('data', new TextEncoder().encode(result.csv));
  return {};
});

function asRecord(value: unknown): Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function required(value: string | undefined, name: string, kind: string): string {
  if (value === undefined || value === '') throw new Error(`core/plot: a ${kind} chart needs \`${name}\` (a field path such as outputs.accuracy or matrix.p)`);
  return value;
}

/** `outputs.acc` → `acc`: the field as a reader would name it, for default labels. */
function shortName(path: string): string {
  return path.replace(/^(outputs|matrix)\./, '');
}

type Found = { readonly found: true; readonly value: unknown } | { readonly found: false };

function walk(root: unknown, segments: readonly string[]): Found {
  let current = root;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, segment)) return { found: false };
    current = (current as Record<string, unknown>)[segment];
  }
  return { found: true, value: current };
}

/** Field paths of an instance, as users may write them, up to three levels deep. */
function fieldPaths(instance: PlotInstance): string[] {
  const paths: string[] = [];
  const visit = (value: unknown, prefix: string, depth: number): void => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || depth > 3) return;
    for (const [key, item] of Object.entries(value)) {
      paths.push(`${prefix}.${key}`);
      visit(item, `${prefix}.${key}`, depth + 1);
    }
  };
  visit(instance.outputs, 'outputs', 1);
  visit(instance.matrix, 'matrix', 1);
  return paths;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known field nearest to `path` (comparing with and without the `outputs.`/`matrix.` prefix), if it is close. */
function closest(path: string, known: readonly string[]): string | undefined {
  let best: { field: string; distance: number } | undefined;
  for (const field of known) {
    const distance = Math.min(editDistance(path, field), editDistance(shortName(path), shortName(field)));
    if (distance <= Math.max(1, Math.floor(shortName(path).length / 4)) && (!best || distance < best.distance)) best = { field, distance };
  }
  return best?.field;
}

/** Resolves field paths on every instance; a field no instance has is an error naming the fields that exist. */
class FieldLookup {
  constructor(
    readonly instances: readonly PlotInstance[],
    readonly log: StepLogger,
  ) {}

  /** The field's value per instance (`undefined` where an instance lacks it; those are warned about). */
  values(path: string, role: string): (unknown | undefined)[] {
    const segments = path.split('.');
    const [head, ...rest] = segments;
    const results = this.instances.map((instance): Found => {
      if ((head === 'outputs' || head === 'matrix') && rest.length > 0) return walk(instance[head], rest);
      const fromOutputs = walk(instance.outputs, segments);
      if (fromOutputs.found) return fromOutputs;
      const fromMatrix = walk(instance.matrix, segments);
      if (fromMatrix.found) return fromMatrix;
      return path === 'name' ? { found: true, value: instance.name } : { found: false };
    });
    const missing = this.instances.filter((_, i) => !results[i]!.found);
    if (this.instances.length > 0 && missing.length === this.instances.length) {
      const known = [...new Set(this.instances.flatMap(fieldPaths))];
      const shown = known.slice(0, 40).join(', ') + (known.length > 40 ? `, … (${known.length - 40} more)` : '');
      const suggestion = closest(path, known);
      throw new Error(
        `core/plot: ${role} field "${path}" was not found in the outputs or matrix of any of the ${this.instances.length} instances` +
          `${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; fields that exist: ${shown || '(none)'}`,
      );
    }
    if (missing.length > 0) {
      this.log.warn(`core/plot: ${missing.length} of ${this.instances.length} instances have no ${role} field "${path}" (e.g. ${missing[0]!.name}); they are left out`);
    }
    return results.map((r) => (r.found ? r.value : undefined));
  }

  /** Numeric values: numbers, numeric strings; null and missing become NaN; anything else is an error. */
  numbers(path: string, role: string): number[] {
    return this.values(path, role).map((value, i) => {
      if (value === undefined || value === null) return Number.NaN;
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
      if (typeof value === 'string' && /^[+-]?(nan|inf(inity)?)$/i.test(value.trim())) return Number.NaN;
      const shown = typeof value === 'string' ? JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value) : labelOf(value);
      throw new Error(`core/plot: ${role} field "${path}" of ${this.instances[i]!.name} is not a number: ${shown}`);
    });
  }
}

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

interface Summary {
  readonly y: number;
  readonly n: number;
  readonly spread: number | undefined;
}

/** Mean and sample standard deviation of the finite values; y is NaN when there are none. */
function summarize(values: readonly number[]): Summary {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  if (n === 0) return { y: Number.NaN, n: 0, spread: undefined };
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { y: mean, n, spread: Math.sqrt(variance) };
}

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

interface Figure {
  readonly svg: string;
  readonly csv: string;
  readonly summary: string;
}

interface MarkerOption {
  readonly field: string;
  readonly label?: string;
}

interface LineOptions {
  readonly x: string;
  readonly y: string;
  readonly series: string | undefined;
  readonly title: string | undefined;
  readonly xLabel: string | undefined;
  readonly yLabel: string | undefined;
  readonly logX: boolean;
  readonly logY: boolean;
  readonly referenceLines: readonly { readonly y: number; readonly label: string }[];
  readonly markers: MarkerOption | undefined;
  readonly aggregate: boolean;
}

function lineFigure(lookup: FieldLookup, options: LineOptions): Figure {
  const count = lookup.instances.length;
  const xKeys = lookup.values(options.x, 'x').map(keyOf);
  const ys = lookup.numbers(options.y, 'y');
  const seriesKeys = options.series ? lookup.values(options.series, 'series').map(keyOf) : Array.from({ length: count }, () => ({ label: shortName(options.y), number: undefined }));
  const markerValues = options.markers ? lookup.numbers(options.markers.field, 'markers') : undefined;

  const seriesOrder = orderKeys(seriesKeys);
  const xOrder = orderKeys(xKeys);
  const categorical = xOrder.some((k) => k.number === undefined);
  const xIndex = new Map(xOrder.map((k, i) => [k.label, i]));
  const xValue = (key: Key): number => (categorical ? xIndex.get(key.label)! : key.number!);

  const rows: (string | number | undefined)[][] = [];
  const lineSeries: LineSeries[] = [];
  const markers: VerticalMarker[] = [];
  const counts: number[] = [];
  let duplicates = 0;
  let dropped = 0;
  seriesOrder.forEach((seriesKey, seriesIndex) => {
    const members = lookup.instances.map((_, i) => i).filter((i) => seriesKeys[i]?.label === seriesKey.label && xKeys[i] !== undefined);
    const byX = new Map<string, number[]>();
    for (const i of members) {
      const label = xKeys[i]!.label;
      byX.set(label, [...(byX.get(label) ?? []), i]);
    }
    const points = [];
    for (const xKey of xOrder) {
      const group = byX.get(xKey.label);
      if (!group) continue;
      const x = xValue(xKey);
      if (options.aggregate) {
        const s = summarize(group.map((i) => ys[i]!));
        points.push({ x, y: s.y, spread: s.spread });
        if (s.n > 0) {
          rows.push([seriesKey.label, xKey.label, s.y, s.n, s.spread]);
          counts.push(s.n);
        }
      } else {
        if (group.length > 1) duplicates++;
        for (const i of group) {
          points.push({ x, y: ys[i]! });
          if (Number.isFinite(ys[i]!)) rows.push([seriesKey.label, xKey.label, ys[i]!, 1, undefined]);
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
    series: lineSeries,
    title: options.title,
    xLabel: options.xLabel ?? shortName(options.x),
    yLabel: options.yLabel ?? shortName(options.y),
    legendTitle: options.series ? shortName(options.series) : undefined,
    legend: options.series !== undefined || (options.aggregate && counts.length > 0),
    note: options.aggregate && counts.some((count) => count > 1) ? `Lines: mean over ${nNote(counts)} runs per point; bands: ± 1 sd` : undefined,
    logX: options.logX,
    logY: options.logY,
    xCategories: categorical ? xOrder.map((k) => k.label) : undefined,
    referenceLines: options.referenceLines,
    markers,
  });
  return {
    svg,
    csv: csv(['series', 'x', 'y', 'n', 'spread'], rows),
    summary: `core/plot: line chart of ${rows.length} points in ${lineSeries.length} series from ${count} instances`,
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

function heatmapFigure(lookup: FieldLookup, options: HeatmapOptions): Figure {
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
      csvRows.push([r.label, c.label, s.y, s.n, options.aggregate || group.length > 1 ? s.spread : undefined]);
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
    csv: csv(['row', 'column', 'value', 'n', 'spread'], csvRows),
    summary: `core/plot: heatmap of ${rowOrder.length} × ${columnOrder.length} cells (${csvRows.length} with values) from ${lookup.instances.length} instances`,
  };
}
