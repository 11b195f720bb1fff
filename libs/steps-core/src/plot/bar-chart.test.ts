import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderBarChart } from './bar-chart.js';
import type { BarChartSpec } from './bar-chart.js';
import { OKABE_ITO } from './palette.js';
import { inGroup, parseXml, unescapeXml } from './xml-check.js';
import type { XmlElement } from './xml-check.js';

const SELECTORS = ['oracle', 'judge', 'self', 'random'];
const ROUGE: Record<string, number[]> = { oracle: [0.31, 0.33, 0.35], judge: [0.29, 0.3, 0.31], self: [0.3, 0.31, 0.33], random: [0.27, 0.275, 0.28] };

/** Figure 5's shape: three budgets, four selectors, standard errors, the generator and real-label lines. */
function figureSpec(): BarChartSpec {
  return {
    groups: ['0.125', '0.25', '0.5'],
    title: 'Student ROUGE-1 per selector and budget',
    xLabel: 'budget',
    yLabel: 'ROUGE-1 F1',
    legendTitle: 'selector',
    note: 'Bars: mean over 3 runs per bar; error bars: ± 1 standard error',
    series: SELECTORS.map((label, s) => ({ label, bars: ROUGE[label]!.map((y, g) => ({ y, spread: 0.002 * (s + 1) + 0.001 * g })) })),
    referenceLines: [
      { y: 0.28, label: 'generator' },
      { y: 0.36, label: '100% real labels' },
    ],
  };
}

const num = (element: XmlElement, attr: string): number => Number(element.attrs[attr]);
const rects = (svg: string): XmlElement[] => inGroup(parseXml(svg), 'bars');
const baselineOf = (svg: string): XmlElement => parseXml(svg).find((e) => e.attrs.class === 'baseline')!;
/** The vertical stroke of each error bar (the first line of its group), in drawing order. */
function errorBars(svg: string): XmlElement[] {
  const elements = parseXml(svg);
  return inGroup(elements, 'error-bars').map((group) => elements.find((e) => e.parent === group && e.name === 'line')!);
}
const texts = (svg: string): string[] => parseXml(svg).filter((e) => e.name === 'text').map((e) => unescapeXml(e.text));

describe('bar chart', () => {
  it('is a standalone, well-formed SVG document, the same bytes for the same spec', () => {
    const svg = renderBarChart(figureSpec());
    const [root] = parseXml(svg);
    assert.equal(root!.name, 'svg');
    assert.equal(root!.attrs.xmlns, 'http://www.w3.org/2000/svg');
    assert.equal(root!.attrs.viewBox, `0 0 ${root!.attrs.width} ${root!.attrs.height}`);
    assert.equal(svg, renderBarChart(structuredClone(figureSpec())));
    assert.doesNotMatch(svg, / (?:x|y|width|height)[12]?="-?\d+\.\d{3,}"/, 'coordinates are rounded to 2 decimals');
  });

  it('draws one bar per series in each group, in the palette, grouped by budget, with a legend', () => {
    const svg = renderBarChart(figureSpec());
    const bars = rects(svg);
    assert.equal(bars.length, 12);
    assert.deepEqual(
      bars.map((b) => [unescapeXml(b.attrs['data-series']!), b.attrs['data-group'], b.attrs.fill]),
      SELECTORS.flatMap((label, s) => ['0.125', '0.25', '0.5'].map((group) => [label, group, OKABE_ITO[s]])),
    );
    // Within a group the selectors stand side by side in legend order; the groups do not overlap.
    const left = (s: number, g: number): number => num(bars[s * 3 + g]!, 'x');
    for (let g = 0; g < 3; g++) for (let s = 1; s < 4; s++) assert.ok(left(s, g) > left(s - 1, g));
    for (let g = 1; g < 3; g++) assert.ok(left(0, g) > left(3, g - 1) + num(bars[0]!, 'width'));
    const legend = inGroup(parseXml(svg), 'legend');
    assert.deepEqual(legend.filter((e) => e.name === 'rect').map((e) => e.attrs.fill), OKABE_ITO.slice(0, 4));
    assert.deepEqual(legend.filter((e) => e.name === 'text').map((e) => unescapeXml(e.text)).slice(0, 5), ['selector', ...SELECTORS]);
    const all = texts(svg);
    for (const expected of ['Student ROUGE-1 per selector and budget', 'budget', 'ROUGE-1 F1', '0.125', '0.25', '0.5', 'generator', '100% real labels']) {
      assert.ok(all.includes(expected), `missing text ${expected}`);
    }
    assert.equal(unescapeXml(parseXml(svg).find((e) => e.name === 'title' && e.parent?.name === 'rect')!.text), 'oracle, 0.125: 0.31 ± 0.002');
  });

  it('starts every bar at 0 on the x axis, with heights proportional to the values', () => {
    const svg = renderBarChart(figureSpec());
    const bars = rects(svg);
    const baseline = baselineOf(svg);
    const axis = inGroup(parseXml(svg), 'axes')[0]!;
    assert.equal(baseline.attrs.y1, axis.attrs.y1, 'the baseline is the x axis');
    const values = SELECTORS.flatMap((label) => ROUGE[label]!);
    const perUnit = num(bars[0]!, 'height') / values[0]!;
    bars.forEach((bar, i) => {
      assert.ok(Math.abs(num(bar, 'y') + num(bar, 'height') - num(baseline, 'y1')) < 0.02, 'the bar ends on the baseline');
      assert.ok(Math.abs(num(bar, 'height') - values[i]! * perUnit) < 0.02, `bar ${i} is proportional to ${values[i]}`);
    });
    assert.ok(inGroup(parseXml(svg), 'tick-labels').some((e) => e.text === '0.0'), 'the axis starts at 0');
  });

  it('draws error bars of ± spread around the top of each bar, in the same pixels per unit as the bars', () => {
    const spec = figureSpec();
    const svg = renderBarChart(spec);
    const bars = rects(svg);
    const strokes = errorBars(svg);
    assert.equal(strokes.length, 12);
    const perUnit = num(bars[0]!, 'height') / spec.series[0]!.bars[0]!.y;
    strokes.forEach((stroke, i) => {
      const s = Math.floor(i / 3);
      const spread = spec.series[s]!.bars[i % 3]!.spread!;
      const bar = bars[i]!;
      assert.equal(stroke.attrs.x1, stroke.attrs.x2, 'vertical');
      assert.ok(Math.abs(num(stroke, 'x1') - (num(bar, 'x') + num(bar, 'width') / 2)) < 0.02, 'centred on its bar');
      assert.ok(Math.abs(Math.abs(num(stroke, 'y2') - num(stroke, 'y1')) - 2 * spread * perUnit) < 0.03, `error bar ${i} spans 2 × ${spread}`);
      assert.ok(Math.abs((num(stroke, 'y1') + num(stroke, 'y2')) / 2 - num(bar, 'y')) < 0.03, 'centred on the top of its bar');
    });
    const none = renderBarChart({ ...spec, series: spec.series.map((s) => ({ ...s, bars: s.bars.map((b) => ({ y: b!.y, spread: 0 })) })) });
    assert.equal(errorBars(none).length, 0, 'a zero spread draws no error bar');
  });

  it('draws reference lines over the bars', () => {
    const svg = renderBarChart(figureSpec());
    const classes = parseXml(svg).map((e) => e.attrs.class).filter(Boolean);
    assert.ok(classes.indexOf('reference-lines') > classes.indexOf('bars'));
    const lines = inGroup(parseXml(svg), 'reference-lines').filter((e) => e.name === 'line');
    assert.equal(lines.length, 2);
    for (const line of lines) assert.equal(line.attrs.y1, line.attrs.y2, 'horizontal');
  });

  it('leaves the slot of a missing value empty and keeps the other bars in their places', () => {
    const full = rects(renderBarChart(figureSpec()));
    const spec = figureSpec();
    const holes = renderBarChart({
      ...spec,
      series: spec.series.map((s, i) => ({ ...s, bars: i === 1 ? [null, undefined, { y: Number.NaN }] : i === 2 ? [s.bars[0], s.bars[1]] : s.bars })),
    });
    const bars = rects(holes);
    assert.equal(bars.length, 8, 'judge has no bars and self none in the last group');
    const place = (b: XmlElement): string => `${b.attrs['data-series']} ${b.attrs['data-group']} ${b.attrs.x}`;
    assert.deepEqual(bars.map(place), full.filter((b) => b.attrs['data-series'] !== 'judge' && !(b.attrs['data-series'] === 'self' && b.attrs['data-group'] === '0.5')).map(place));
    assert.ok(!holes.includes('NaN'));
  });

  it('hangs negative values down from 0, with 0 inside the axis', () => {
    const svg = renderBarChart({ groups: ['a', 'b'], series: [{ label: 'gain', bars: [{ y: -0.5, spread: 0.1 }, { y: 1 }] }] });
    const [down, up] = rects(svg);
    const baseline = baselineOf(svg);
    const zero = num(baseline, 'y1');
    assert.ok(Math.abs(num(down!, 'y') - zero) < 0.02, 'the negative bar starts at 0 and goes down');
    assert.ok(Math.abs(num(up!, 'y') + num(up!, 'height') - zero) < 0.02, 'the positive bar ends at 0');
    assert.ok(Math.abs(num(up!, 'height') / num(down!, 'height') - 2) < 0.01);
    const axis = inGroup(parseXml(svg), 'axes')[0]!;
    assert.ok(num(axis, 'y1') > zero, 'the x axis lies below the baseline');
    const ticks = inGroup(parseXml(svg), 'tick-labels').map((e) => e.text);
    assert.ok(ticks.includes('0') || ticks.includes('0.0'));
    assert.ok(ticks.some((t) => t.startsWith('-')), 'a negative tick');
    const [stroke] = errorBars(svg);
    assert.ok(num(stroke!, 'y2') > num(down!, 'y') + num(down!, 'height'), 'the error bar reaches below the bar');
  });

  it('starts the bars at a raised baseline when asked, values below it hanging down', () => {
    const svg = renderBarChart({ groups: ['a', 'b'], baseline: 0.3, series: [{ label: 'rouge', bars: [{ y: 0.32 }, { y: 0.29 }] }] });
    const [above, below] = rects(svg);
    const base = num(baselineOf(svg), 'y1');
    assert.ok(Math.abs(num(above!, 'y') + num(above!, 'height') - base) < 0.02);
    assert.ok(Math.abs(num(below!, 'y') - base) < 0.02);
    assert.ok(Math.abs(num(above!, 'height') / num(below!, 'height') - 2) < 0.02, '0.02 above and 0.01 below');
    assert.ok(!inGroup(parseXml(svg), 'tick-labels').some((e) => e.text === '0' || e.text === '0.00'), 'the axis does not reach 0');
  });

  it('draws a single series without a legend, its bars centred on the group labels', () => {
    const svg = renderBarChart({ groups: ['small', 'large'], series: [{ label: 'acc', bars: [{ y: 0.5 }, { y: 0.8 }] }] });
    assert.equal(inGroup(parseXml(svg), 'legend').length, 0);
    const labels = inGroup(parseXml(svg), 'tick-labels').filter((e) => e.text === 'small' || e.text === 'large');
    rects(svg).forEach((bar, i) => assert.ok(Math.abs(num(bar, 'x') + num(bar, 'width') / 2 - num(labels[i]!, 'x')) < 0.02));
  });

  it('escapes labels with XML special characters', () => {
    const nasty = `a<b & "c" 'd'>`;
    const svg = renderBarChart({ groups: [nasty], title: nasty, legendTitle: nasty, series: [{ label: nasty, bars: [{ y: 1 }] }], referenceLines: [{ y: 0.5, label: nasty }] });
    assert.doesNotThrow(() => parseXml(svg));
    assert.ok(!svg.includes(nasty));
    assert.equal(unescapeXml(rects(svg)[0]!.attrs['data-group']!), nasty);
    assert.ok(texts(svg).filter((t) => t === nasty).length >= 4);
  });

  it('draws an empty chart when nothing can be plotted', () => {
    for (const spec of [{ groups: [], series: [] }, { groups: ['a'], series: [{ label: 'x', bars: [null] }] }] as BarChartSpec[]) {
      const svg = renderBarChart(spec);
      assert.doesNotThrow(() => parseXml(svg));
      assert.ok(texts(svg).includes('no data to plot'));
      assert.equal(rects(svg).length, 0);
    }
  });

  it('outlines the bars of series beyond the palette, so no two series look alike', () => {
    const series = Array.from({ length: 10 }, (_, i) => ({ label: `s${i}`, bars: [{ y: i + 1 }] }));
    const bars = rects(renderBarChart({ groups: ['g'], series }));
    const styles = new Set(bars.map((b) => `${b.attrs.fill}|${b.attrs['stroke-dasharray'] ?? ''}`));
    assert.equal(styles.size, 10);
    assert.ok(bars.every((b) => num(b, 'width') >= 5), 'ten bars in one group still get room');
  });
});
