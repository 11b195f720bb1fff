import { formatValue, num, truncate } from './format.js';
import { VIRIDIS, textColorOn, viridis } from './palette.js';
import { linearTicks, widen } from './scale.js';
import { SvgBuilder } from './svg.js';
import { textWidth } from './text.js';

export interface HeatmapSpec {
  /** Row labels, drawn top to bottom. */
  readonly rows: readonly string[];
  /** Column labels, drawn left to right. */
  readonly columns: readonly string[];
  /** `values[row][column]`; null, undefined or a non-finite number is a missing (grey) cell. */
  readonly values: readonly (readonly (number | null | undefined)[])[];
  readonly title?: string;
  /** Under the columns. */
  readonly xLabel?: string;
  /** Beside the rows. */
  readonly yLabel?: string;
  /** Beside the colour bar. */
  readonly valueLabel?: string;
  /** Write each value in its cell (default true; left out where cells are too small). */
  readonly annotate?: boolean;
  /** The values mapped to the ends of the colour scale (default: the data's range). */
  readonly colorDomain?: readonly [number, number];
  /**
   * Per row, a vertical marker at a fractional column position (0 = centre of the first column,
   * 1.5 = halfway between the second and third); null/undefined/NaN: no marker for that row.
   */
  readonly rowMarkers?: readonly (number | null | undefined)[];
  /** Key text for the row markers, e.g. "predicted p*". */
  readonly markerLabel?: string;
}

export const MISSING_COLOR = '#D9D9D9';
const TITLE_SIZE = 16;
const LABEL_SIZE = 13;
const TICK_SIZE = 11;
const PAD = 14;
const TEXT_COLOR = '#222222';
const GRADIENT_ID = 'veriflow-viridis';

const isValue = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The fractional column position of `x` for numeric, ascending column values: linear between the two
 * columns around it, extrapolated half a column past either end at most. NaN when it cannot be placed.
 */
export function columnPosition(columnValues: readonly number[], x: number): number {
  const n = columnValues.length;
  if (!Number.isFinite(x) || n === 0 || columnValues.some((v) => !Number.isFinite(v))) return Number.NaN;
  if (n === 1) return x === columnValues[0] ? 0 : Number.NaN;
  let i = 0;
  while (i < n - 2 && x > columnValues[i + 1]!) i++;
  const a = columnValues[i]!;
  const b = columnValues[i + 1]!;
  const position = b === a ? i : i + (x - a) / (b - a);
  return Math.min(n - 0.5, Math.max(-0.5, position));
}

/** Renders a heatmap with a viridis colour bar as a standalone SVG document. Same spec, same bytes. */
export function renderHeatmap(spec: HeatmapSpec): string {
  const rows = spec.rows.map((r) => truncate(r, 32));
  const columns = spec.columns.map((c) => truncate(c, 24));
  const nRows = rows.length;
  const nCols = columns.length;
  const valueAt = (r: number, c: number): number | undefined => {
    const v = spec.values[r]?.[c];
    return isValue(v) ? v : undefined;
  };

  const all: number[] = [];
  for (let r = 0; r < nRows; r++) for (let c = 0; c < nCols; c++) {
    const v = valueAt(r, c);
    if (v !== undefined) all.push(v);
  }
  const anyMissing = all.length < nRows * nCols;
  const [lo, hi] =
    spec.colorDomain && isValue(spec.colorDomain[0]) && isValue(spec.colorDomain[1])
      ? widen(spec.colorDomain[0], spec.colorDomain[1])
      : all.length > 0
        ? widen(Math.min(...all), Math.max(...all))
        : [0, 1];
  const colorOf = (v: number): string => viridis((v - lo) / (hi - lo));

  // Cell size: room for the annotations, within a sensible overall size.
  const annotate = spec.annotate ?? true;
  const annotations = new Map<number, string>();
  let annotationWidth = 0;
  if (annotate) {
    for (let r = 0; r < nRows; r++) for (let c = 0; c < nCols; c++) {
      const v = valueAt(r, c);
      if (v === undefined) continue;
      const text = formatValue(v, 3);
      annotations.set(r * nCols + c, text);
      annotationWidth = Math.max(annotationWidth, textWidth(text, TICK_SIZE));
    }
  }
  let cellW = Math.min(80, Math.max(24, 560 / Math.max(1, nCols)));
  if (annotate && annotationWidth + 8 > cellW) cellW = Math.min(80, annotationWidth + 8);
  const cellH = Math.min(44, Math.max(20, 380 / Math.max(1, nRows)));
  const annotationSize = Math.min(TICK_SIZE, cellH * 0.5);
  const showAnnotations = annotate && annotationWidth * (annotationSize / TICK_SIZE) + 4 <= cellW;

  const rowLabelWidth = Math.max(0, ...rows.map((r) => textWidth(r, TICK_SIZE)));
  const colLabelWidth = Math.max(0, ...columns.map((c) => textWidth(c, TICK_SIZE)));
  const rotateColumns = colLabelWidth + 6 > cellW;
  const columnBand = rotateColumns ? colLabelWidth * 0.71 + TICK_SIZE * 0.71 + 8 : TICK_SIZE + 8;

  const gridLeft = PAD + (spec.yLabel ? LABEL_SIZE + 12 : 0) + rowLabelWidth + 8;
  const gridW = cellW * nCols;
  const gridH = cellH * nRows;

  // Right-hand side: colour bar with ticks and label, then keys for markers and missing cells.
  const barW = 14;
  const barTicks = linearTicks(lo, hi, 5, false).ticks;
  const barTickWidth = Math.max(0, ...barTicks.map((t) => textWidth(t.label, TICK_SIZE)));
  const barX = gridLeft + gridW + 24;
  const valueLabel = spec.valueLabel ? truncate(spec.valueLabel, 40) : undefined;
  const barBlock = barW + 4 + 4 + barTickWidth + (valueLabel ? 10 + LABEL_SIZE : 0);
  const markers = (spec.rowMarkers ?? []).map((m) => (typeof m === 'number' && Number.isFinite(m) ? m : undefined));
  const anyMarker = markers.some((m) => m !== undefined);
  const markerKey = anyMarker ? truncate(spec.markerLabel ?? 'marker', 40) : undefined;
  const keyWidth = Math.max(markerKey ? 22 + textWidth(markerKey, TICK_SIZE) : 0, anyMissing ? 22 + textWidth('missing', TICK_SIZE) : 0);
  const titleText = spec.title ? truncate(spec.title, 100) : undefined;
  let width = barX + Math.max(barBlock, keyWidth) + PAD;

  const top = PAD + (titleText ? TITLE_SIZE + 14 : 4);
  const barH = Math.max(gridH, 150);
  const keyRows = (markerKey ? 1 : 0) + (anyMissing ? 1 : 0);
  const keyHeight = keyRows > 0 ? 14 + keyRows * (TICK_SIZE + 8) : 0;
  const gridBottomBlock = 6 + columnBand + (spec.xLabel ? LABEL_SIZE + 12 : 0) + PAD;
  const height = Math.max(top + gridH + gridBottomBlock, top + barH + keyHeight + PAD);
  if (titleText) width = Math.max(width, textWidth(titleText, TITLE_SIZE, true) + 2 * PAD);

  const svg = new SvgBuilder(width, height, spec.title);
  svg.open('defs');
  svg.open('linearGradient', { id: GRADIENT_ID, x1: 0, y1: 1, x2: 0, y2: 0 });
  VIRIDIS.forEach((color, i) => svg.element('stop', { offset: num(i / (VIRIDIS.length - 1)), 'stop-color': color }));
  svg.close();
  svg.close();
  svg.rect(0, 0, width, height, { fill: '#FFFFFF' });

  if (titleText) {
    const w = textWidth(titleText, TITLE_SIZE, true);
    const center = gridLeft + gridW / 2;
    const cx = center - w / 2 < PAD || center + w / 2 > width - PAD ? width / 2 : center;
    svg.text(cx, PAD + TITLE_SIZE, titleText, { 'text-anchor': 'middle', 'font-size': TITLE_SIZE, 'font-weight': 'bold', fill: TEXT_COLOR });
  }

  // Cells.
  svg.open('g', { class: 'cells', stroke: '#FFFFFF', 'stroke-width': 1 });
  for (let r = 0; r < nRows; r++) {
    for (let c = 0; c < nCols; c++) {
      const v = valueAt(r, c);
      svg.rect(gridLeft + c * cellW, top + r * cellH, cellW, cellH, { fill: v === undefined ? MISSING_COLOR : colorOf(v) });
    }
  }
  svg.close();

  // Row markers: a black-and-white dashed line, visible on every colour of the scale.
  if (anyMarker) {
    svg.open('g', { class: 'row-markers' });
    markers.forEach((m, r) => {
      if (m === undefined || r >= nRows) return;
      const x = gridLeft + Math.min(nCols, Math.max(0, m + 0.5)) * cellW;
      const y1 = top + r * cellH + 2;
      const y2 = top + (r + 1) * cellH - 2;
      svg.line(x, y1, x, y2, { stroke: '#000000', 'stroke-width': 3.4 });
      svg.line(x, y1, x, y2, { stroke: '#FFFFFF', 'stroke-width': 1.6, 'stroke-dasharray': '3 2' });
    });
    svg.close();
  }

  // Annotations last, with a halo in the cell colour so a marker line never runs through the digits.
  if (showAnnotations) {
    svg.open('g', { class: 'annotations', 'font-size': num(annotationSize), 'text-anchor': 'middle' });
    for (let r = 0; r < nRows; r++) {
      for (let c = 0; c < nCols; c++) {
        const v = valueAt(r, c);
        const text = annotations.get(r * nCols + c);
        if (v === undefined || text === undefined) continue;
        svg.text(gridLeft + (c + 0.5) * cellW, top + (r + 0.5) * cellH + annotationSize * 0.36, text, {
          fill: textColorOn(colorOf(v)),
          stroke: colorOf(v),
          'stroke-width': 4,
          'paint-order': 'stroke',
        });
      }
    }
    svg.close();
  }

  // Row and column labels, axis labels.
  svg.open('g', { class: 'labels', 'font-size': TICK_SIZE, fill: TEXT_COLOR });
  rows.forEach((label, r) => svg.text(gridLeft - 6, top + (r + 0.5) * cellH + TICK_SIZE * 0.35, label, { 'text-anchor': 'end' }));
  columns.forEach((label, c) => {
    const x = gridLeft + (c + 0.5) * cellW;
    const y = top + gridH + 6 + TICK_SIZE * 0.8;
    if (rotateColumns) {
      svg.text(x + 3, y - 2, label, { 'text-anchor': 'end', transform: `rotate(-45 ${num(x + 3)} ${num(y - 2)})` });
    } else {
      svg.text(x, y, label, { 'text-anchor': 'middle' });
    }
  });
  svg.close();
  if (spec.xLabel) {
    svg.text(gridLeft + gridW / 2, top + gridH + 6 + columnBand + LABEL_SIZE + 4, truncate(spec.xLabel, 80), { 'text-anchor': 'middle', 'font-size': LABEL_SIZE, fill: TEXT_COLOR });
  }
  if (spec.yLabel) {
    const x = PAD + LABEL_SIZE * 0.8;
    const y = top + gridH / 2;
    svg.text(x, y, truncate(spec.yLabel, 60), { 'text-anchor': 'middle', 'font-size': LABEL_SIZE, fill: TEXT_COLOR, transform: `rotate(-90 ${num(x)} ${num(y)})` });
  }

  // Colour bar.
  const barTop = top;
  const barBottom = top + barH;
  svg.open('g', { class: 'colorbar' });
  svg.rect(barX, barTop, barW, barH, { fill: `url(#${GRADIENT_ID})`, stroke: '#555555', 'stroke-width': 0.5 });
  for (const t of barTicks) {
    const y = barBottom - ((t.value - lo) / (hi - lo)) * barH;
    svg.line(barX + barW, y, barX + barW + 4, y, { stroke: '#333333', 'stroke-width': 1 });
    svg.text(barX + barW + 7, y + TICK_SIZE * 0.35, t.label, { 'font-size': TICK_SIZE, fill: TEXT_COLOR });
  }
  if (valueLabel) {
    const x = barX + barW + 10 + barTickWidth + LABEL_SIZE * 0.8;
    const y = (barTop + barBottom) / 2;
    svg.text(x, y, valueLabel, { 'text-anchor': 'middle', 'font-size': LABEL_SIZE, fill: TEXT_COLOR, transform: `rotate(-90 ${num(x)} ${num(y)})` });
  }
  svg.close();

  if (keyRows > 0) {
    svg.open('g', { class: 'key', 'font-size': TICK_SIZE, fill: TEXT_COLOR });
    let y = barBottom + 14;
    if (markerKey) {
      svg.line(barX + 7, y, barX + 7, y + TICK_SIZE + 2, { stroke: '#000000', 'stroke-width': 3.4 });
      svg.line(barX + 7, y, barX + 7, y + TICK_SIZE + 2, { stroke: '#FFFFFF', 'stroke-width': 1.6, 'stroke-dasharray': '3 2' });
      svg.text(barX + 22, y + TICK_SIZE * 0.9, markerKey);
      y += TICK_SIZE + 8;
    }
    if (anyMissing) {
      svg.rect(barX, y, barW, TICK_SIZE + 2, { fill: MISSING_COLOR });
      svg.text(barX + 22, y + TICK_SIZE * 0.9, 'missing');
    }
    svg.close();
  }

  if (nRows === 0 || nCols === 0) {
    svg.text(gridLeft + 80, top + 40, 'no data to plot', { 'text-anchor': 'middle', 'font-size': LABEL_SIZE, fill: '#888888' });
  }

  return svg.toString();
}
