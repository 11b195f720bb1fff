import { defineStep } from '@veriflow/step-api';
import { barFigure, heatmapFigure, lineFigure } from '../plot/figure-data.js';
import type { Figure } from '../plot/figure-data.js';
import { FieldLookup, instancesSchema, toPlotInstances } from '../plot/instance-fields.js';
import type { PlotInstance } from '../plot/instance-fields.js';

export type { PlotInstance };

const field = (description: string) => ({ type: 'string', minLength: 1, description }) as const;

export const plot = defineStep({
  name: 'core/plot',
  version: '4',
  description:
    'Draws a line chart, grouped bar chart or heatmap (SVG) from the instances of a swept step, plus a CSV of the plotted points. ' +
    'Field paths are looked up in each instance\'s outputs, then its matrix; `outputs.` or `matrix.` picks one, dots reach inside objects.',
  with: {
    type: 'object',
    properties: {
      from: instancesSchema('The instances to plot: `${{ steps.<id>.instances }}`.'),
      kind: { type: 'string', enum: ['line', 'bar', 'heatmap'], default: 'line' },
      x: field('Line: the x coordinate (numbers give a numeric axis, anything else a categorical one). Bar: the group (numbers in ascending order, anything else in order of first appearance).'),
      y: field('Line: the y coordinate (a number; null or NaN leaves a gap). Bar: the bar height (null or NaN: no bar).'),
      series: field('Line: one line per distinct value (objects are labelled as `{phi:0.9,psi:0.3}`). Bar: one bar per distinct value in each group.'),
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
        description: 'Line, bar: horizontal lines, e.g. the generator accuracy.',
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
        description: 'Average points with the same series and x (bar: the same bar; heatmap: the same cell), e.g. replicates; see error_bars.',
      },
      error_bars: {
        type: 'string',
        enum: ['stderr', 'sd', 'none'],
        default: 'stderr',
        description: 'Line or bar, with aggregate: mean: what the error bar at each averaged point shows: ± 1 standard error of the mean (default), ± 1 sample standard deviation, or nothing.',
      },
      baseline: {
        type: 'number',
        default: 0,
        description: 'Bar: the value bars start from (bars below it hang down). 0 keeps bar lengths proportional to the values; a raised baseline shows small differences.',
      },
      annotate: { type: 'boolean', default: true, description: 'Heatmap: write each value in its cell.' },
    },
    required: ['from'],
    additionalProperties: false,
  },
  outputs: {
    figure: { kind: 'artifact', media: 'image/svg+xml', description: 'The chart, a standalone SVG document.' },
    data: { kind: 'artifact', media: 'text/csv', description: 'CSV of the plotted points (bar: one row per bar): series,x,y,n,sd,stderr (heatmap: row,column,value,n,sd,stderr); sd and stderr are empty for points that were not averaged.' },
  },
}).run(async (ctx) => {
  const w = ctx.with;
  const kind = w.kind ?? 'line';
  const ignored = Object.entries(unusedFields(w, kind)).filter(([, value]) => value !== undefined).map(([key]) => key);
  if (ignored.length > 0) ctx.log.warn(`core/plot: ${ignored.join(', ')} ${ignored.length === 1 ? 'does' : 'do'} not apply to a ${KIND_NAME[kind]} and ${ignored.length === 1 ? 'is' : 'are'} ignored`);
  const result = drawFigure(kind, new FieldLookup(toPlotInstances(w.from), ctx.log), w);
  ctx.log.info(result.summary);
  await ctx.writeBytes('figure', new TextEncoder().encode(result.svg));
  await ctx.writeBytes('data', new TextEncoder().encode(result.csv));
  return {};
});

/** The figure of the kind asked for, from the fields that kind reads. */
function drawFigure(kind: Kind, lookup: FieldLookup, w: PlotWith): Figure {
  switch (kind) {
    case 'heatmap':
      return heatmapFigure(lookup, {
        row: required(w.row, 'row', 'heatmap'),
        column: required(w.column, 'column', 'heatmap'),
        value: required(w.value, 'value', 'heatmap'),
        title: w.title,
        xLabel: w.x_label,
        yLabel: w.y_label,
        markers: w.markers,
        aggregate: w.aggregate === 'mean',
        annotate: w.annotate ?? true,
      });
    case 'line':
      return lineFigure(lookup, {
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
        errorBars: w.error_bars ?? 'stderr',
      });
    case 'bar':
      return barFigure(lookup, {
        x: required(w.x, 'x', 'bar'),
        y: required(w.y, 'y', 'bar'),
        series: w.series,
        title: w.title,
        xLabel: w.x_label,
        yLabel: w.y_label,
        baseline: w.baseline ?? 0,
        referenceLines: w.reference_lines ?? [],
        aggregate: w.aggregate === 'mean',
        errorBars: w.error_bars ?? 'stderr',
      });
  }
}

function required(value: string | undefined, name: string, kind: string): string {
  if (value === undefined || value === '') throw new Error(`core/plot: a ${kind} chart needs \`${name}\` (a field path such as outputs.accuracy or matrix.p)`);
  return value;
}

type PlotWith = Parameters<typeof plot.run>[0]['with'];
type Kind = NonNullable<PlotWith['kind']>;

const KIND_NAME: Record<Kind, string> = { line: 'line chart', bar: 'bar chart', heatmap: 'heatmap' };

/** The fields set that the kind does not read (defaults count as unset), so a user hears they have no effect. */
function unusedFields(w: PlotWith, kind: Kind): Record<string, unknown> {
  const logAxes = { log_x: w.log_x || undefined, log_y: w.log_y || undefined };
  const baseline = w.baseline === 0 ? undefined : w.baseline;
  switch (kind) {
    case 'line':
      return { row: w.row, column: w.column, value: w.value, baseline };
    case 'bar':
      return { row: w.row, column: w.column, value: w.value, ...logAxes, markers: w.markers };
    case 'heatmap':
      return { x: w.x, y: w.y, series: w.series, ...logAxes, reference_lines: w.reference_lines, baseline };
  }
}
