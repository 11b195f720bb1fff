import { num, truncate } from './format.js';
import { drawMarker } from './marks.js';
import { seriesColor, seriesDash, seriesShape } from './palette.js';
import { linearScale, linearTicks, logScale, logTicks } from './scale.js';
import type { Scale, TickSet } from './scale.js';
import { SvgBuilder, pathData } from './svg.js';
import { textWidth } from './text.js';

export interface LinePoint {
  readonly x: number;
  /** NaN (or any non-finite value) leaves a gap in the line. */
  readonly y: number;
  /** Half-length of the error bar at this point (drawn from y − spread to y + spread); omitted, 0 or non-finite: no bar. */
  readonly spread?: number;
}

export interface LineSeries {
  readonly label: string;
  /** Drawn in the order given; the caller sorts by x. */
  readonly points: readonly LinePoint[];
}

/** A horizontal line across the plot, e.g. the generator's accuracy. */
export interface ReferenceLine {
  readonly y: number;
  readonly label?: string;
}

/** A dashed vertical line, e.g. a predicted threshold; in the colour of `series` (an index) when given. */
export interface VerticalMarker {
  readonly x: number;
  readonly label?: string;
  readonly series?: number;
}

export interface LineChartSpec {
  readonly series: readonly LineSeries[];
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Heading of the legend (e.g. the field the series come from). */
  readonly legendTitle?: string;
  /** A short explanation under the legend (e.g. what the error bars show). */
  readonly note?: string;
  /** Show the legend; default: when there are several series or a legend title. */
  readonly legend?: boolean;
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** A categorical x axis: point x values are indices into this list. */
  readonly xCategories?: readonly string[];
  readonly referenceLines?: readonly ReferenceLine[];
  readonly markers?: readonly VerticalMarker[];
  /** Width of the whole figure in pixels (default 760); it grows if the legend needs room. */
  readonly width?: number;
  /** Height of the whole figure in pixels (default 470). */
  readonly height?: number;
}

const TITLE_SIZE = 16;
const LABEL_SIZE = 13;
const TICK_SIZE = 11;
const LEGEND_SIZE = 12;
const NOTE_SIZE = 11;
const MARKER_LABEL_SIZE = 11;
const TICK_LENGTH = 5;
const PAD = 14;
const INSET_X = 12;
const INSET_Y = 10;
const AXIS_COLOR = '#333333';
const GRID_COLOR = '#E5E5E5';
const TEXT_COLOR = '#222222';
const REFERENCE_COLOR = '#555555';
const MAX_LEGEND_LABEL = 36;

const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

interface Extent {
  min: number;
  max: number;
}

function extend(extent: Extent, value: number, log: boolean): void {
  if (!Number.isFinite(value) || (log && value <= 0)) return;
  extent.min = Math.min(extent.min, value);
  extent.max = Math.max(extent.max, value);
}

function axisTicks(extent: Extent, log: boolean, count: number): TickSet {
  if (extent.min > extent.max) return log ? logTicks(1, 10) : linearTicks(0, 1, count);
  return log ? logTicks(extent.min, extent.max) : linearTicks(extent.min, extent.max, count);
}

/** Splits a sequence into runs of consecutive placeable points; a point that cannot be placed ends a run. */
function runs<T>(items: readonly T[], placeable: (item: T) => boolean): T[][] {
  const result: T[][] = [];
  let current: T[] = [];
  for (const item of items) {
    if (placeable(item)) {
      current.push(item);
    } else if (current.length > 0) {
      result.push(current);
      current = [];
    }
  }
  if (current.length > 0) result.push(current);
  return result;
}

/** Greedy row assignment so horizontally overlapping labels go on separate rows. */
function stackLabels(spans: readonly { left: number; right: number }[]): number[] {
  const rowEnds: number[] = [];
  return spans.map((span) => {
    let row = rowEnds.findIndex((end) => end + 6 <= span.left);
    if (row < 0) {
      row = rowEnds.length;
      rowEnds.push(span.right);
    } else {
      rowEnds[row] = span.right;
    }
    return row;
  });
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

/** Renders a line chart as a standalone SVG document. Same spec, same bytes. */
export function renderLineChart(spec: LineChartSpec): string {
  const series = spec.series;
  const logX = !spec.xCategories && spec.logX === true;
  const logY = spec.logY === true;
  const categories = spec.xCategories;

  // Domains: every placeable point, error bar end, reference line and marker.
  const xExtent: Extent = { min: Infinity, max: -Infinity };
  const yExtent: Extent = { min: Infinity, max: -Infinity };
  let plotted = 0;
  for (const s of series) {
    for (const p of s.points) {
      if (!finite(p.x) || !finite(p.y) || (logX && p.x <= 0) || (logY && p.y <= 0)) continue;
      plotted++;
      extend(xExtent, p.x, logX);
      extend(yExtent, p.y, logY);
      if (finite(p.spread)) {
        extend(yExtent, p.y + Math.abs(p.spread), logY);
        extend(yExtent, p.y - Math.abs(p.spread), logY);
      }
    }
  }
  const references = (spec.referenceLines ?? []).filter((r) => finite(r.y) && (!logY || r.y > 0));
  const markers = (spec.markers ?? []).filter((m) => finite(m.x) && (!logX || m.x > 0));
  for (const r of references) extend(yExtent, r.y, logY);
  if (!categories) for (const m of markers) extend(xExtent, m.x, logX);

  const xTicks: TickSet = categories
    ? { domain: [-0.5, Math.max(0, categories.length - 1) + 0.5], ticks: categories.map((label, value) => ({ value, label: truncate(label, 28) })) }
    : axisTicks(xExtent, logX, 6);
  const yTicks = axisTicks(yExtent, logY, 5);

  // Horizontal layout: y label, tick labels, plot, legend.
  const showLegend = spec.legend ?? (series.length > 1 || spec.legendTitle !== undefined);
  const legendLabels = series.map((s) => truncate(s.label, MAX_LEGEND_LABEL));
  const legendTitle = spec.legendTitle ? truncate(spec.legendTitle, MAX_LEGEND_LABEL) : undefined;
  const hasErrorBars = series.some((s) => s.points.some((p) => finite(p.spread) && p.spread !== 0));
  const swatch = 30;
  let legendWidth = 0;
  if (showLegend) {
    legendWidth = Math.max(
      legendTitle ? textWidth(legendTitle, LEGEND_SIZE, true) : 0,
      ...legendLabels.map((label) => swatch + 8 + textWidth(label, LEGEND_SIZE)),
      60,
    );
  }
  const noteWidth = Math.max(legendWidth, 190);
  const noteLines = spec.note && showLegend ? wrap(spec.note, noteWidth, NOTE_SIZE) : [];
  if (noteLines.length > 0) legendWidth = Math.max(legendWidth, ...noteLines.map((l) => textWidth(l, NOTE_SIZE)));

  const yTickWidth = Math.max(0, ...yTicks.ticks.map((t) => textWidth(t.label, TICK_SIZE)));
  const left = PAD + (spec.yLabel ? LABEL_SIZE + 10 : 0) + yTickWidth + TICK_LENGTH + 5;
  const right = showLegend ? 22 + legendWidth + PAD : PAD + 10;
  const width = Math.max(spec.width ?? 760, left + right + 260);
  const plotLeft = left;
  const plotRight = width - right;

  const xRange: [number, number] = categories ? [plotLeft, plotRight] : [plotLeft + INSET_X, plotRight - INSET_X];
  const xScale: Scale = logX ? logScale(xTicks, xRange) : linearScale(xTicks, xRange);

  // Category labels rotate when they do not fit side by side.
  const xTickWidths = xScale.ticks.map((t) => textWidth(t.label, TICK_SIZE));
  const spacing = xScale.ticks.length > 1 ? Math.abs(xScale.map(xScale.ticks[1]!.value) - xScale.map(xScale.ticks[0]!.value)) : plotRight - plotLeft;
  const rotateX = Math.max(0, ...xTickWidths) + 6 > spacing;
  const xTickBand = rotateX ? Math.max(0, ...xTickWidths) * 0.71 + TICK_SIZE * 0.71 + 4 : TICK_SIZE + 2;

  // Vertical marker labels sit above the plot, stacked where they would overlap.
  const markerLabels = markers.map((m) => {
    const px = xScale.map(categories ? m.x : m.x);
    const text = m.label ?? '';
    const w = textWidth(text, MARKER_LABEL_SIZE);
    const center = Math.min(width - PAD - w / 2, Math.max(PAD + w / 2, px));
    return { marker: m, px, text, left: center - w / 2, right: center + w / 2, center };
  });
  const order = markerLabels.map((_, i) => i).sort((a, b) => markerLabels[a]!.left - markerLabels[b]!.left || a - b);
  const labelled = order.filter((i) => markerLabels[i]!.text !== '');
  const rowsSorted = stackLabels(labelled.map((i) => markerLabels[i]!));
  const markerRow = new Map(labelled.map((i, k) => [i, rowsSorted[k]!]));
  const markerRows = labelled.length > 0 ? Math.max(...rowsSorted) + 1 : 0;
  const markerRowHeight = MARKER_LABEL_SIZE + 5;

  const titleBlock = spec.title ? TITLE_SIZE + 12 : 0;
  const top = PAD + titleBlock + (markerRows > 0 ? markerRows * markerRowHeight + 6 : 4);
  const bottom = TICK_LENGTH + 5 + xTickBand + (spec.xLabel ? LABEL_SIZE + 14 : 0) + PAD;

  const legendEntries = showLegend ? series.length : 0;
  const legendHeight = (legendTitle ? LEGEND_SIZE + 10 : 0) + legendEntries * (LEGEND_SIZE + 8) + (noteLines.length > 0 ? 8 + noteLines.length * (NOTE_SIZE + 4) : 0);
  const height = Math.max(spec.height ?? 470, top + bottom + 200, top + legendHeight + bottom);
  const plotTop = top;
  const plotBottom = height - bottom;
  const yRange: [number, number] = [plotBottom - INSET_Y, plotTop + INSET_Y];
  const yScale: Scale = logY ? logScale(yTicks, yRange) : linearScale(yTicks, yRange);

  const svg = new SvgBuilder(width, height, spec.title);
  svg.rect(0, 0, width, height, { fill: '#FFFFFF' });

  // Title, centred over the plot (or the figure, if wider than the plot).
  if (spec.title) {
    const maxChars = Math.max(8, Math.floor((width - 2 * PAD) / (TITLE_SIZE * 0.6)));
    const title = truncate(spec.title, maxChars);
    const plotCenter = (plotLeft + plotRight) / 2;
    const w = textWidth(title, TITLE_SIZE, true);
    const cx = w > plotRight - plotLeft ? width / 2 : plotCenter;
    svg.text(cx, PAD + TITLE_SIZE, title, { 'text-anchor': 'middle', 'font-size': TITLE_SIZE, 'font-weight': 'bold', fill: TEXT_COLOR });
  }

  // Grid and axes.
  svg.open('g', { class: 'grid', stroke: GRID_COLOR, 'stroke-width': 1 });
  for (const t of yScale.ticks) svg.line(plotLeft, yScale.map(t.value), plotRight, yScale.map(t.value));
  for (const t of xScale.ticks) svg.line(xScale.map(t.value), plotTop, xScale.map(t.value), plotBottom);
  svg.close();

  svg.open('g', { class: 'axes', stroke: AXIS_COLOR, 'stroke-width': 1 });
  svg.line(plotLeft, plotBottom, plotRight, plotBottom);
  svg.line(plotLeft, plotTop, plotLeft, plotBottom);
  for (const t of yScale.ticks) svg.line(plotLeft - TICK_LENGTH, yScale.map(t.value), plotLeft, yScale.map(t.value));
  for (const t of xScale.ticks) svg.line(xScale.map(t.value), plotBottom, xScale.map(t.value), plotBottom + TICK_LENGTH);
  svg.close();

  svg.open('g', { class: 'tick-labels', 'font-size': TICK_SIZE, fill: TEXT_COLOR });
  for (const t of yScale.ticks) {
    svg.text(plotLeft - TICK_LENGTH - 4, yScale.map(t.value) + TICK_SIZE * 0.35, t.label, { 'text-anchor': 'end' });
  }
  for (const t of xScale.ticks) {
    const x = xScale.map(t.value);
    const y = plotBottom + TICK_LENGTH + 4 + TICK_SIZE * 0.8;
    if (rotateX) {
      svg.text(x, y - 2, t.label, { 'text-anchor': 'end', transform: `rotate(-45 ${num(x)} ${num(y - 2)})` });
    } else {
      svg.text(x, y, t.label, { 'text-anchor': 'middle' });
    }
  }
  svg.close();

  if (spec.xLabel) {
    svg.text((plotLeft + plotRight) / 2, height - PAD - 2, truncate(spec.xLabel, 90), { 'text-anchor': 'middle', 'font-size': LABEL_SIZE, fill: TEXT_COLOR });
  }
  if (spec.yLabel) {
    const x = PAD + LABEL_SIZE * 0.8;
    const y = (plotTop + plotBottom) / 2;
    svg.text(x, y, truncate(spec.yLabel, 60), { 'text-anchor': 'middle', 'font-size': LABEL_SIZE, fill: TEXT_COLOR, transform: `rotate(-90 ${num(x)} ${num(y)})` });
  }

  if (plotted === 0) {
    svg.text((plotLeft + plotRight) / 2, (plotTop + plotBottom) / 2, 'no data to plot', { 'text-anchor': 'middle', 'font-size': LABEL_SIZE, fill: '#888888' });
  }

  // Reference lines, under the data.
  if (references.length > 0) {
    svg.open('g', { class: 'reference-lines' });
    for (const r of references) {
      const y = yScale.map(r.y);
      svg.line(plotLeft, y, plotRight, y, { stroke: REFERENCE_COLOR, 'stroke-width': 1.3, 'stroke-dasharray': '2 3' });
      if (r.label) {
        const below = y - plotTop < MARKER_LABEL_SIZE + 6;
        svg.text(plotRight - 6, below ? y + MARKER_LABEL_SIZE + 2 : y - 4, truncate(r.label, 60), {
          'text-anchor': 'end',
          'font-size': MARKER_LABEL_SIZE,
          fill: REFERENCE_COLOR,
          stroke: '#FFFFFF',
          'stroke-width': 3,
          'paint-order': 'stroke',
        });
      }
    }
    svg.close();
  }

  // Error bands, then lines, then point markers, so markers stay on top.
  const place = (p: LinePoint): [number, number] => [xScale.map(p.x), yScale.map(p.y)];
  const placeable = (p: LinePoint): boolean => {
    const [x, y] = place(p);
    return Number.isFinite(x) && Number.isFinite(y);
  };
  const yFloor = yScale.domain[0];
  if (hasErrorBars) {
    // One vertical bar with caps per point, grouped per point under its series' label.
    svg.open('g', { class: 'error-bars', 'stroke-width': 1.5, 'stroke-linecap': 'butt' });
    const cap = 4;
    series.forEach((s, index) => {
      for (const p of s.points) {
        if (!placeable(p) || !finite(p.spread) || p.spread === 0) continue;
        const half = Math.abs(p.spread);
        const x = xScale.map(p.x);
        const top = yScale.map(p.y + half);
        const bottom = yScale.map(logY && p.y - half <= 0 ? yFloor : p.y - half);
        const color = seriesColor(index);
        svg.open('g', { stroke: color, 'data-series': s.label });
        svg.line(x, top, x, bottom);
        svg.line(x - cap, top, x + cap, top);
        svg.line(x - cap, bottom, x + cap, bottom);
        svg.close();
      }
    });
    svg.close();
  }

  svg.open('g', { class: 'lines', fill: 'none', 'stroke-width': 2, 'stroke-linejoin': 'round', 'stroke-linecap': 'round' });
  // Categories have no order between them, so their points stand alone: a line would suggest a trend.
  series.forEach((s, index) => {
    if (categories) return;
    for (const run of runs(s.points, placeable)) {
      if (run.length < 2) continue;
      svg.element('path', { d: pathData(run.map(place)), stroke: seriesColor(index), 'stroke-dasharray': seriesDash(index) });
    }
  });
  svg.close();

  svg.open('g', { class: 'points' });
  series.forEach((s, index) => {
    for (const p of s.points) {
      if (!placeable(p)) continue;
      const [x, y] = place(p);
      drawMarker(svg, seriesShape(index), x, y, 4, seriesColor(index));
    }
  });
  svg.close();

  // Vertical markers: dashed lines in the series colour, labels above the plot.
  if (markerLabels.length > 0) {
    svg.open('g', { class: 'markers' });
    markerLabels.forEach((m, i) => {
      if (!Number.isFinite(m.px)) return;
      const color = m.marker.series === undefined ? REFERENCE_COLOR : seriesColor(m.marker.series);
      svg.line(m.px, plotTop, m.px, plotBottom, { stroke: color, 'stroke-width': 1.6, 'stroke-dasharray': '6 4' });
      svg.element('path', { d: pathData([[m.px - 4, plotTop - 5], [m.px + 4, plotTop - 5], [m.px, plotTop]], true), fill: color });
      const row = markerRow.get(i);
      if (row !== undefined) {
        const baseline = plotTop - 9 - row * markerRowHeight;
        svg.text(m.center, baseline, m.text, { 'text-anchor': 'middle', 'font-size': MARKER_LABEL_SIZE, fill: color });
      }
    });
    svg.close();
  }

  // Legend, to the right of the plot, top-aligned with it.
  if (showLegend) {
    const x0 = plotRight + 22;
    let y = plotTop + 2;
    svg.open('g', { class: 'legend', 'font-size': LEGEND_SIZE, fill: TEXT_COLOR });
    if (legendTitle) {
      y += LEGEND_SIZE;
      svg.text(x0, y, legendTitle, { 'font-weight': 'bold' });
      y += 10;
    }
    series.forEach((_, index) => {
      const cy = y + LEGEND_SIZE / 2 + 1;
      const color = seriesColor(index);
      svg.line(x0, cy, x0 + swatch, cy, { stroke: color, 'stroke-width': 2, 'stroke-dasharray': seriesDash(index) });
      drawMarker(svg, seriesShape(index), x0 + swatch / 2, cy, 4, color);
      svg.text(x0 + swatch + 8, cy + LEGEND_SIZE * 0.35, legendLabels[index]!);
      y += LEGEND_SIZE + 8;
    });
    if (noteLines.length > 0) {
      y += 8;
      for (const line of noteLines) {
        y += NOTE_SIZE;
        svg.text(x0, y, line, { 'font-size': NOTE_SIZE, fill: '#666666' });
        y += 4;
      }
    }
    svg.close();
  }

  return svg.toString();
}
