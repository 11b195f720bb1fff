import {
  ANNOTATION_SIZE,
  PAD,
  REFERENCE_COLOR,
  TITLE_SIZE,
  axisTicks,
  drawAxes,
  drawErrorBar,
  drawLegend,
  drawNoData,
  drawReferenceLines,
  drawTitle,
  emptyExtent,
  extend,
  finite,
  horizontalFrame,
  layoutLegend,
  verticalFrame,
  xLabelBand,
} from './chart-frame.js';
import type { ChartLabels, ReferenceLine } from './chart-frame.js';
import { truncate } from './format.js';
import { drawMarker } from './marks.js';
import { seriesColor, seriesDash, seriesShape } from './palette.js';
import { linearScale, logScale } from './scale.js';
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

export type { ReferenceLine };

/** A dashed vertical line, e.g. a predicted threshold; in the colour of `series` (an index) when given. */
export interface VerticalMarker {
  readonly x: number;
  readonly label?: string;
  readonly series?: number;
}

export interface LineChartSpec extends ChartLabels {
  readonly series: readonly LineSeries[];
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** A categorical x axis: point x values are indices into this list. */
  readonly xCategories?: readonly string[];
  readonly markers?: readonly VerticalMarker[];
  /** Width of the whole figure in pixels (default 760); it grows if the legend needs room. */
  readonly width?: number;
  /** Height of the whole figure in pixels (default 470). */
  readonly height?: number;
}

const INSET_X = 12;
const INSET_Y = 10;

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

/** Renders a line chart as a standalone SVG document. Same spec, same bytes. */
export function renderLineChart(spec: LineChartSpec): string {
  const series = spec.series;
  const logX = !spec.xCategories && spec.logX === true;
  const logY = spec.logY === true;
  const categories = spec.xCategories;

  // Domains: every placeable point, error bar end, reference line and marker.
  const xExtent = emptyExtent();
  const yExtent = emptyExtent();
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
  const legend = showLegend ? layoutLegend({ labels: series.map((s) => s.label), title: spec.legendTitle, note: spec.note, swatch: 30 }) : undefined;
  const hasErrorBars = series.some((s) => s.points.some((p) => finite(p.spread) && p.spread !== 0));

  const { width, left: plotLeft, right: plotRight } = horizontalFrame(yTicks, spec.yLabel, legend, spec.width ?? 760, 260);

  const xRange: [number, number] = categories ? [plotLeft, plotRight] : [plotLeft + INSET_X, plotRight - INSET_X];
  const xScale: Scale = logX ? logScale(xTicks, xRange) : linearScale(xTicks, xRange);

  // Category labels rotate when they do not fit side by side.
  const spacing = xScale.ticks.length > 1 ? Math.abs(xScale.map(xScale.ticks[1]!.value) - xScale.map(xScale.ticks[0]!.value)) : plotRight - plotLeft;
  const xBand = xLabelBand(xScale.ticks.map((t) => t.label), spacing);

  // Vertical marker labels sit above the plot, stacked where they would overlap.
  const markerLabels = markers.map((m) => {
    const px = xScale.map(m.x);
    const text = m.label ?? '';
    const w = textWidth(text, ANNOTATION_SIZE);
    const center = Math.min(width - PAD - w / 2, Math.max(PAD + w / 2, px));
    return { marker: m, px, text, left: center - w / 2, right: center + w / 2, center };
  });
  const order = markerLabels.map((_, i) => i).sort((a, b) => markerLabels[a]!.left - markerLabels[b]!.left || a - b);
  const labelled = order.filter((i) => markerLabels[i]!.text !== '');
  const rowsSorted = stackLabels(labelled.map((i) => markerLabels[i]!));
  const markerRow = new Map(labelled.map((i, k) => [i, rowsSorted[k]!]));
  const markerRows = labelled.length > 0 ? Math.max(...rowsSorted) + 1 : 0;
  const markerRowHeight = ANNOTATION_SIZE + 5;

  const titleBlock = spec.title ? TITLE_SIZE + 12 : 0;
  const top = PAD + titleBlock + (markerRows > 0 ? markerRows * markerRowHeight + 6 : 4);
  const { height, bottom: plotBottom } = verticalFrame(top, xBand.height, spec.xLabel, legend, spec.height ?? 470);
  const plotTop = top;
  const box = { left: plotLeft, right: plotRight, top: plotTop, bottom: plotBottom };
  const yRange: [number, number] = [plotBottom - INSET_Y, plotTop + INSET_Y];
  const yScale: Scale = logY ? logScale(yTicks, yRange) : linearScale(yTicks, yRange);

  const svg = new SvgBuilder(width, height, spec.title);
  svg.rect(0, 0, width, height, { fill: '#FFFFFF' });
  drawTitle(svg, spec.title, box);
  drawAxes(svg, {
    box,
    yScale,
    xTicks: xScale.ticks.map((t) => ({ x: xScale.map(t.value), label: t.label })),
    xGrid: true,
    rotateX: xBand.rotate,
    xLabel: spec.xLabel,
    yLabel: spec.yLabel,
  });
  if (plotted === 0) drawNoData(svg, box);

  // Reference lines, under the data.
  drawReferenceLines(svg, references, yScale, box);

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
    series.forEach((s, index) => {
      for (const p of s.points) {
        if (!placeable(p) || !finite(p.spread) || p.spread === 0) continue;
        const half = Math.abs(p.spread);
        svg.open('g', { stroke: seriesColor(index), 'data-series': s.label });
        drawErrorBar(svg, xScale.map(p.x), yScale.map(p.y + half), yScale.map(logY && p.y - half <= 0 ? yFloor : p.y - half), 4);
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
        svg.text(m.center, baseline, m.text, { 'text-anchor': 'middle', 'font-size': ANNOTATION_SIZE, fill: color });
      }
    });
    svg.close();
  }

  // Legend, to the right of the plot, top-aligned with it.
  if (legend) {
    drawLegend(svg, legend, plotRight + 22, plotTop, (index, x0, cy) => {
      const color = seriesColor(index);
      svg.line(x0, cy, x0 + legend.swatch, cy, { stroke: color, 'stroke-width': 2, 'stroke-dasharray': seriesDash(index) });
      drawMarker(svg, seriesShape(index), x0 + legend.swatch / 2, cy, 4, color);
    });
  }

  return svg.toString();
}
