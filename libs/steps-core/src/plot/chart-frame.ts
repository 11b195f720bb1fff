/**
 * The frame that the line and bar charts share: a y axis with ticks and grid, a labelled x axis, a title,
 * horizontal reference lines and a legend to the right. Each chart lays out its own x axis and data.
 */
import { num, truncate } from './format.js';
import { linearTicks, logTicks } from './scale.js';
import type { Scale, TickSet } from './scale.js';
import type { SvgBuilder } from './svg.js';
import { textWidth } from './text.js';

export const TITLE_SIZE = 16;
export const LABEL_SIZE = 13;
export const TICK_SIZE = 11;
export const LEGEND_SIZE = 12;
export const NOTE_SIZE = 11;
/** Labels drawn inside the plot: reference lines, markers. */
export const ANNOTATION_SIZE = 11;
export const TICK_LENGTH = 5;
export const PAD = 14;
export const TEXT_COLOR = '#222222';
export const REFERENCE_COLOR = '#555555';
const AXIS_COLOR = '#333333';
const GRID_COLOR = '#E5E5E5';
const MAX_LEGEND_LABEL = 36;

/** A horizontal line across the plot, e.g. the generator's accuracy. */
export interface ReferenceLine {
  readonly y: number;
  readonly label?: string;
}

/** The texts around a line or bar chart, and whether it has a legend. */
export interface ChartLabels {
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Heading of the legend (e.g. the field the series come from). */
  readonly legendTitle?: string;
  /** A short explanation under the legend (e.g. what the error bars show). */
  readonly note?: string;
  /** Show the legend; default: when there are several series or a legend title. */
  readonly legend?: boolean;
  readonly referenceLines?: readonly ReferenceLine[];
}

/** The plot area in pixels. */
export interface PlotBox {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** A labelled position on the x axis, in pixels. */
export interface XTick {
  readonly x: number;
  readonly label: string;
}

export const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

export interface Extent {
  min: number;
  max: number;
}

export const emptyExtent = (): Extent => ({ min: Infinity, max: -Infinity });

export function extend(extent: Extent, value: number, log = false): void {
  if (!Number.isFinite(value) || (log && value <= 0)) return;
  extent.min = Math.min(extent.min, value);
  extent.max = Math.max(extent.max, value);
}

/** Ticks over the extent; an empty extent gets a unit axis. */
export function axisTicks(extent: Extent, log: boolean, count: number): TickSet {
  if (extent.min > extent.max) return log ? logTicks(1, 10) : linearTicks(0, 1, count);
  return log ? logTicks(extent.min, extent.max) : linearTicks(extent.min, extent.max, count);
}

/** Splits text into lines no wider than `width` at word boundaries. */
function wrap(text: string, width: number, size: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && textWidth(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export interface LegendSpec {
  readonly labels: readonly string[];
  /** Heading (e.g. the field the series come from). */
  readonly title?: string;
  /** A short explanation under the entries (e.g. what the error bars show). */
  readonly note?: string;
  /** Width of the swatch drawn before each label. */
  readonly swatch: number;
}

/** A legend measured for layout; absent when the chart shows none. */
export interface Legend {
  readonly title: string | undefined;
  readonly labels: readonly string[];
  readonly noteLines: readonly string[];
  readonly swatch: number;
  readonly width: number;
  readonly height: number;
}

export function layoutLegend(spec: LegendSpec): Legend {
  const labels = spec.labels.map((label) => truncate(label, MAX_LEGEND_LABEL));
  const title = spec.title ? truncate(spec.title, MAX_LEGEND_LABEL) : undefined;
  let width = Math.max(title ? textWidth(title, LEGEND_SIZE, true) : 0, ...labels.map((label) => spec.swatch + 8 + textWidth(label, LEGEND_SIZE)), 60);
  const noteLines = spec.note ? wrap(spec.note, Math.max(width, 190), NOTE_SIZE) : [];
  if (noteLines.length > 0) width = Math.max(width, ...noteLines.map((l) => textWidth(l, NOTE_SIZE)));
  const height = (title ? LEGEND_SIZE + 10 : 0) + labels.length * (LEGEND_SIZE + 8) + (noteLines.length > 0 ? 8 + noteLines.length * (NOTE_SIZE + 4) : 0);
  return { title, labels, noteLines, swatch: spec.swatch, width, height };
}

/**
 * The figure's width and the plot's left and right edges: room for the y label and the widest y tick label
 * on the left, the legend on the right, and at least `minPlotWidth` between.
 */
export function horizontalFrame(yTicks: TickSet, yLabel: string | undefined, legend: Legend | undefined, minWidth: number, minPlotWidth: number): { readonly width: number; readonly left: number; readonly right: number } {
  const yTickWidth = Math.max(0, ...yTicks.ticks.map((t) => textWidth(t.label, TICK_SIZE)));
  const left = PAD + (yLabel ? LABEL_SIZE + 10 : 0) + yTickWidth + TICK_LENGTH + 5;
  const rightMargin = legend ? 22 + legend.width + PAD : PAD + 10;
  const width = Math.max(minWidth, left + rightMargin + minPlotWidth);
  return { width, left, right: width - rightMargin };
}

/** Whether x labels `spacing` pixels apart must rotate to fit, and the height they then take. */
export function xLabelBand(labels: readonly string[], spacing: number): { readonly rotate: boolean; readonly height: number } {
  const widest = Math.max(0, ...labels.map((label) => textWidth(label, TICK_SIZE)));
  const rotate = widest + 6 > spacing;
  return { rotate, height: rotate ? widest * 0.71 + TICK_SIZE * 0.71 + 4 : TICK_SIZE + 2 };
}

/** The figure's height and the plot's bottom edge: room under the plot for tick labels and the x label, and beside it for the legend. */
export function verticalFrame(top: number, labelBand: number, xLabel: string | undefined, legend: Legend | undefined, minHeight: number): { readonly height: number; readonly bottom: number } {
  const margin = TICK_LENGTH + 5 + labelBand + (xLabel ? LABEL_SIZE + 14 : 0) + PAD;
  const height = Math.max(minHeight, top + margin + 200, top + (legend?.height ?? 0) + margin);
  return { height, bottom: height - margin };
}

/** The title, centred over the plot (or the figure, if wider than the plot). */
export function drawTitle(svg: SvgBuilder, title: string | undefined, box: PlotBox): void {
  if (!title) return;
  const maxChars = Math.max(8, Math.floor((svg.width - 2 * PAD) / (TITLE_SIZE * 0.6)));
  const text = truncate(title, maxChars);
  const plotCenter = (box.left + box.right) / 2;
  const w = textWidth(text, TITLE_SIZE, true);
  const cx = w > box.right - box.left ? svg.width / 2 : plotCenter;
  svg.text(cx, PAD + TITLE_SIZE, text, { 'text-anchor': 'middle', 'font-size': TITLE_SIZE, 'font-weight': 'bold', fill: TEXT_COLOR });
}

export interface AxesSpec {
  readonly box: PlotBox;
  readonly yScale: Scale;
  readonly xTicks: readonly XTick[];
  /** Vertical grid lines and tick marks at the x ticks (a numeric axis), or labels only (groups). */
  readonly xGrid: boolean;
  readonly rotateX: boolean;
  readonly xLabel: string | undefined;
  readonly yLabel: string | undefined;
}

/** Grid, axes, tick labels and axis labels. */
export function drawAxes(svg: SvgBuilder, spec: AxesSpec): void {
  const { box, yScale } = spec;
  const xMarks = spec.xGrid ? spec.xTicks : [];
  svg.open('g', { class: 'grid', stroke: GRID_COLOR, 'stroke-width': 1 });
  for (const t of yScale.ticks) svg.line(box.left, yScale.map(t.value), box.right, yScale.map(t.value));
  for (const t of xMarks) svg.line(t.x, box.top, t.x, box.bottom);
  svg.close();

  svg.open('g', { class: 'axes', stroke: AXIS_COLOR, 'stroke-width': 1 });
  svg.line(box.left, box.bottom, box.right, box.bottom);
  svg.line(box.left, box.top, box.left, box.bottom);
  for (const t of yScale.ticks) svg.line(box.left - TICK_LENGTH, yScale.map(t.value), box.left, yScale.map(t.value));
  for (const t of xMarks) svg.line(t.x, box.bottom, t.x, box.bottom + TICK_LENGTH);
  svg.close();

  svg.open('g', { class: 'tick-labels', 'font-size': TICK_SIZE, fill: TEXT_COLOR });
  for (const t of yScale.ticks) {
    svg.text(box.left - TICK_LENGTH - 4, yScale.map(t.value) + TICK_SIZE * 0.35, t.label, { 'text-anchor': 'end' });
  }
  for (const t of spec.xTicks) {
    const y = box.bottom + TICK_LENGTH + 4 + TICK_SIZE * 0.8;
    if (spec.rotateX) {
      svg.text(t.x, y - 2, t.label, { 'text-anchor': 'end', transform: `rotate(-45 ${num(t.x)} ${num(y - 2)})` });
    } else {
      svg.text(t.x, y, t.label, { 'text-anchor': 'middle' });
    }
  }
  svg.close();

  if (spec.xLabel) {
    svg.text((box.left + box.right) / 2, svg.height - PAD - 2, truncate(spec.xLabel, 90), { 'text-anchor': 'middle', 'font-size': LABEL_SIZE, fill: TEXT_COLOR });
  }
  if (spec.yLabel) {
    const x = PAD + LABEL_SIZE * 0.8;
    const y = (box.top + box.bottom) / 2;
    svg.text(x, y, truncate(spec.yLabel, 60), { 'text-anchor': 'middle', 'font-size': LABEL_SIZE, fill: TEXT_COLOR, transform: `rotate(-90 ${num(x)} ${num(y)})` });
  }
}

export function drawNoData(svg: SvgBuilder, box: PlotBox): void {
  svg.text((box.left + box.right) / 2, (box.top + box.bottom) / 2, 'no data to plot', { 'text-anchor': 'middle', 'font-size': LABEL_SIZE, fill: '#888888' });
}

/** Dotted horizontal lines, each labelled at the right end (below the line when it runs along the top). */
export function drawReferenceLines(svg: SvgBuilder, references: readonly ReferenceLine[], yScale: Scale, box: PlotBox): void {
  if (references.length === 0) return;
  svg.open('g', { class: 'reference-lines' });
  for (const r of references) {
    const y = yScale.map(r.y);
    svg.line(box.left, y, box.right, y, { stroke: REFERENCE_COLOR, 'stroke-width': 1.3, 'stroke-dasharray': '2 3' });
    if (r.label) {
      const below = y - box.top < ANNOTATION_SIZE + 6;
      svg.text(box.right - 6, below ? y + ANNOTATION_SIZE + 2 : y - 4, truncate(r.label, 60), {
        'text-anchor': 'end',
        'font-size': ANNOTATION_SIZE,
        fill: REFERENCE_COLOR,
        stroke: '#FFFFFF',
        'stroke-width': 3,
        'paint-order': 'stroke',
      });
    }
  }
  svg.close();
}

/** The legend at (x0, top): title, one swatch (drawn by the chart, centred vertically on `cy`) and label per entry, then the note. */
export function drawLegend(svg: SvgBuilder, legend: Legend, x0: number, top: number, drawSwatch: (index: number, x: number, cy: number) => void): void {
  let y = top + 2;
  svg.open('g', { class: 'legend', 'font-size': LEGEND_SIZE, fill: TEXT_COLOR });
  if (legend.title) {
    y += LEGEND_SIZE;
    svg.text(x0, y, legend.title, { 'font-weight': 'bold' });
    y += 10;
  }
  legend.labels.forEach((label, index) => {
    const cy = y + LEGEND_SIZE / 2 + 1;
    drawSwatch(index, x0, cy);
    svg.text(x0 + legend.swatch + 8, cy + LEGEND_SIZE * 0.35, label);
    y += LEGEND_SIZE + 8;
  });
  if (legend.noteLines.length > 0) {
    y += 8;
    for (const line of legend.noteLines) {
      y += NOTE_SIZE;
      svg.text(x0, y, line, { 'font-size': NOTE_SIZE, fill: '#666666' });
      y += 4;
    }
  }
  svg.close();
}

/** A vertical error bar from `top` to `bottom` with caps `cap` pixels either side, in the stroke of the enclosing group. */
export function drawErrorBar(svg: SvgBuilder, x: number, top: number, bottom: number, cap: number): void {
  svg.line(x, top, x, bottom);
  svg.line(x - cap, top, x + cap, top);
  svg.line(x - cap, bottom, x + cap, bottom);
}
