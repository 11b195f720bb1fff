import * as frame from './chart-frame.js';
import { formatValue, truncate } from './format.js';
import { OKABE_ITO, seriesColor, seriesDash } from './palette.js';
import { linearScale } from './scale.js';
import { SvgBuilder } from './svg.js';

export interface Bar {
  readonly y: number;
  /** Half-length of the error bar (drawn from y − spread to y + spread); omitted, 0 or non-finite: no error bar. */
  readonly spread?: number;
}

export interface BarSeries {
  readonly label: string;
  /** One entry per group, in the groups' order; null, undefined or a non-finite y leaves that bar's slot empty. */
  readonly bars: readonly (Bar | null | undefined)[];
}

export interface BarChartSpec extends frame.ChartLabels {
  /** The group labels along the x axis, left to right; each group holds one bar per series. */
  readonly groups: readonly string[];
  readonly series: readonly BarSeries[];
  /**
   * The value every bar starts from (default 0), always inside the y axis: a bar's length is its distance
   * from here, so values below it hang down. A raised baseline makes small differences visible at the cost
   * of bar lengths no longer being proportional to the values; the axis then says where it starts.
   */
  readonly baseline?: number;
  /** Width of the whole figure in pixels (default 760); it grows if the legend or the bars need room. */
  readonly width?: number;
  /** Height of the whole figure in pixels (default 470). */
  readonly height?: number;
}

/** Share of each group's band that its bars fill; the rest separates the groups. */
const GROUP_FILL = 0.8;
const MAX_BAR_WIDTH = 56;
const MIN_BAR_WIDTH = 6;
const ERROR_BAR_COLOR = '#222222';
const INSET_Y = 10;

/** Fill and outline of a series' bars: colours repeat past the palette with a dashed outline. */
function barStyle(index: number): { fill: string; stroke: string | undefined; 'stroke-dasharray': string | undefined } {
  return { fill: seriesColor(index), stroke: index >= OKABE_ITO.length ? ERROR_BAR_COLOR : undefined, 'stroke-dasharray': seriesDash(index) };
}

const drawable = (bar: Bar | null | undefined): bar is Bar => bar !== null && bar !== undefined && frame.finite(bar.y);

/** Renders grouped bars as a standalone SVG document. Same spec, same bytes. */
export function renderBarChart(spec: BarChartSpec): string {
  const { groups, series } = spec;
  const baseline = frame.finite(spec.baseline) ? spec.baseline : 0;

  // The y domain: the baseline, every bar and error bar end, every reference line.
  const yExtent = frame.emptyExtent();
  frame.extend(yExtent, baseline);
  let plotted = 0;
  for (const s of series) {
    for (const bar of s.bars.slice(0, groups.length)) {
      if (!drawable(bar)) continue;
      plotted++;
      frame.extend(yExtent, bar.y);
      if (frame.finite(bar.spread)) {
        frame.extend(yExtent, bar.y + Math.abs(bar.spread));
        frame.extend(yExtent, bar.y - Math.abs(bar.spread));
      }
    }
  }
  const references = (spec.referenceLines ?? []).filter((r) => frame.finite(r.y));
  for (const r of references) frame.extend(yExtent, r.y);
  const yTicks = frame.axisTicks(yExtent, false, 5);

  const showLegend = spec.legend ?? (series.length > 1 || spec.legendTitle !== undefined);
  const legend = showLegend ? frame.layoutLegend({ labels: series.map((s) => s.label), title: spec.legendTitle, note: spec.note, swatch: 12 }) : undefined;

  // Every bar gets at least MIN_BAR_WIDTH: many groups or series widen the figure.
  const slots = Math.max(1, series.length);
  const minPlotWidth = Math.max(260, (groups.length * slots * MIN_BAR_WIDTH) / GROUP_FILL);
  const { width, left: plotLeft, right: plotRight } = frame.horizontalFrame(yTicks, spec.yLabel, legend, spec.width ?? 760, minPlotWidth);
  const band = (plotRight - plotLeft) / Math.max(1, groups.length);
  const slot = Math.min(MAX_BAR_WIDTH, (band * GROUP_FILL) / slots);
  const gap = Math.min(2, slot * 0.1);
  const groupCenter = (g: number): number => plotLeft + (g + 0.5) * band;
  const barLeft = (g: number, s: number): number => groupCenter(g) - (slot * slots) / 2 + s * slot + gap / 2;

  const groupLabels = groups.map((g) => truncate(g, 28));
  const xBand = frame.xLabelBand(groupLabels, band);
  const top = frame.PAD + (spec.title ? frame.TITLE_SIZE + 12 : 0) + 4;
  const { height, bottom } = frame.verticalFrame(top, xBand.height, spec.xLabel, legend, spec.height ?? 470);
  const box = { left: plotLeft, right: plotRight, top, bottom };
  // No inset at the bottom: a baseline at the foot of the axis puts the bars on the x axis.
  const yScale = linearScale(yTicks, [box.bottom, box.top + INSET_Y]);
  const baseY = yScale.map(baseline);

  const svg = new SvgBuilder(width, height, spec.title);
  svg.rect(0, 0, width, height, { fill: '#FFFFFF' });
  frame.drawTitle(svg, spec.title, box);
  frame.drawAxes(svg, {
    box,
    yScale,
    xTicks: groupLabels.map((label, g) => ({ x: groupCenter(g), label })),
    xGrid: false,
    rotateX: xBand.rotate,
    xLabel: spec.xLabel,
    yLabel: spec.yLabel,
  });
  if (plotted === 0) frame.drawNoData(svg, box);

  // Bars, each with its value as a tooltip.
  svg.open('g', { class: 'bars' });
  series.forEach((s, index) => {
    groups.forEach((group, g) => {
      const bar = s.bars[g];
      if (!drawable(bar)) return;
      const y = yScale.map(bar.y);
      svg.open('rect', {
        x: barLeft(g, index),
        y: Math.min(y, baseY),
        width: slot - gap,
        height: Math.abs(y - baseY),
        ...barStyle(index),
        'data-series': s.label,
        'data-group': group,
      });
      const spread = frame.finite(bar.spread) && bar.spread !== 0 ? ` ± ${formatValue(Math.abs(bar.spread), 3)}` : '';
      svg.element('title', {}, `${s.label}, ${group}: ${formatValue(bar.y, 4)}${spread}`);
      svg.close();
    });
  });
  svg.close();

  // The baseline, solid, where the bars start (over the x axis when it is the foot of the axis).
  svg.line(box.left, baseY, box.right, baseY, { class: 'baseline', stroke: '#333333', 'stroke-width': 1 });

  svg.open('g', { class: 'error-bars', stroke: ERROR_BAR_COLOR, 'stroke-width': 1.3, 'stroke-linecap': 'butt' });
  series.forEach((s, index) => {
    groups.forEach((group, g) => {
      const bar = s.bars[g];
      if (!drawable(bar) || !frame.finite(bar.spread) || bar.spread === 0) return;
      const half = Math.abs(bar.spread);
      svg.open('g', { 'data-series': s.label, 'data-group': group });
      frame.drawErrorBar(svg, barLeft(g, index) + (slot - gap) / 2, yScale.map(bar.y + half), yScale.map(bar.y - half), Math.min(5, (slot - gap) * 0.3));
      svg.close();
    });
  });
  svg.close();

  // Reference lines over the bars, so a bar never hides one.
  frame.drawReferenceLines(svg, references, yScale, box);

  if (legend) {
    frame.drawLegend(svg, legend, plotRight + 22, box.top, (index, x0, cy) => {
      svg.rect(x0, cy - legend.swatch / 2, legend.swatch, legend.swatch, barStyle(index));
    });
  }

  return svg.toString();
}
