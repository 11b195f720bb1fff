import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderLineChart } from './line-chart.js';
import type { LineChartSpec } from './line-chart.js';
import { OKABE_ITO } from './palette.js';
import { inGroup, parseXml, unescapeXml } from './xml-check.js';

const BLUE = OKABE_ITO[0];
const VERMILLION = OKABE_ITO[1];

function sweepSpec(): LineChartSpec {
  const ps = [0.5, 0.6, 0.7, 0.8, 0.9];
  return {
    title: 'Accuracy vs p',
    xLabel: 'generator error p',
    yLabel: 'accuracy',
    legendTitle: 'verifier',
    series: [
      { label: 'oracle', points: ps.map((x) => ({ x, y: 0.5 + (x - 0.5), spread: 0.02 })) },
      { label: '{phi:0.9,psi:0.3}', points: ps.map((x) => ({ x, y: 0.5 + (x - 0.5) / 2, spread: 0.03 })) },
    ],
    referenceLines: [{ y: 0.5, label: 'generator accuracy' }],
    markers: [
      { x: 0.62, label: 'predicted p* = 0.62', series: 0 },
      { x: 0.75, label: 'predicted p* = 0.75', series: 1 },
    ],
  };
}

const texts = (svg: string): string[] => parseXml(svg).filter((e) => e.name === 'text').map((e) => unescapeXml(e.text));

describe('line chart', () => {
  it('is a standalone SVG document', () => {
    const svg = renderLineChart(sweepSpec());
    const [root] = parseXml(svg);
    assert.equal(root!.name, 'svg');
    assert.equal(root!.attrs.xmlns, 'http://www.w3.org/2000/svg');
    assert.match(root!.attrs.width!, /^\d+$/);
    assert.match(root!.attrs.height!, /^\d+$/);
    assert.equal(root!.attrs.viewBox, `0 0 ${root!.attrs.width} ${root!.attrs.height}`);
    assert.match(root!.attrs['font-family']!, /sans-serif/);
  });

  it('is deterministic: the same spec gives the same bytes', () => {
    const a = renderLineChart(sweepSpec());
    const b = renderLineChart(structuredClone(sweepSpec()));
    assert.equal(a, b);
    assert.doesNotMatch(a, /\d\.\d{3,}/, 'coordinates are rounded to 2 decimals');
  });

  it('draws two series with error bars, a reference line, dashed markers in the series colours and a legend', () => {
    const svg = renderLineChart(sweepSpec());
    const elements = parseXml(svg);
    const lines = inGroup(elements, 'lines');
    assert.deepEqual(lines.map((e) => [e.name, e.attrs.stroke]), [['path', BLUE], ['path', VERMILLION]]);
    assert.equal(lines[0]!.attrs.d!.split('L').length, 5, 'five points in one unbroken path');
    assert.equal(inGroup(elements, 'error-bars').length, 10, 'one bar per point');
    assert.equal(inGroup(elements, 'points').length, 10);

    const reference = inGroup(elements, 'reference-lines').filter((e) => e.name === 'line');
    assert.equal(reference.length, 1);
    assert.equal(reference[0]!.attrs.y1, reference[0]!.attrs.y2, 'horizontal');

    const markerLines = inGroup(elements, 'markers').filter((e) => e.name === 'line');
    assert.deepEqual(markerLines.map((e) => e.attrs.stroke), [BLUE, VERMILLION]);
    for (const line of markerLines) {
      assert.equal(line.attrs.x1, line.attrs.x2, 'vertical');
      assert.ok(line.attrs['stroke-dasharray'], 'dashed');
    }
    assert.ok(Number(markerLines[0]!.attrs.x1) < Number(markerLines[1]!.attrs.x1));

    const legend = inGroup(elements, 'legend').filter((e) => e.name === 'text').map((e) => unescapeXml(e.text));
    assert.deepEqual(legend, ['verifier', 'oracle', '{phi:0.9,psi:0.3}']);
    const all = texts(svg);
    for (const expected of ['Accuracy vs p', 'generator error p', 'accuracy', 'generator accuracy', 'predicted p* = 0.62', 'predicted p* = 0.75']) {
      assert.ok(all.includes(expected), `missing text ${expected}`);
    }
  });

  it('escapes labels with XML special characters everywhere they appear', () => {
    const nasty = `a<b & "c" 'd'>`;
    const spec = sweepSpec();
    const svg = renderLineChart({
      ...spec,
      title: nasty,
      xLabel: nasty,
      legendTitle: nasty,
      series: spec.series.map((s) => ({ ...s, label: nasty })),
      referenceLines: [{ y: 0.6, label: nasty }],
      markers: [{ x: 0.7, label: nasty, series: 0 }],
    });
    assert.doesNotThrow(() => parseXml(svg));
    assert.ok(!svg.includes(nasty));
    assert.ok(texts(svg).filter((t) => t === nasty).length >= 6);
    assert.equal(unescapeXml(parseXml(svg)[0]!.attrs['aria-label']!), nasty);
  });

  it('leaves a gap at NaN and skips infinite or unplaceable points without crashing', () => {
    const svg = renderLineChart({
      series: [
        { label: 'a', points: [{ x: 1, y: 1 }, { x: 2, y: 2 }, { x: 3, y: Number.NaN }, { x: 4, y: 3 }, { x: 5, y: 4 }] },
        { label: 'b', points: [{ x: 1, y: Number.POSITIVE_INFINITY }, { x: Number.NaN, y: 2 }, { x: 3, y: 2, spread: Number.NaN }] },
      ],
    });
    const elements = parseXml(svg);
    const paths = inGroup(elements, 'lines');
    assert.equal(paths.filter((e) => e.attrs.stroke === BLUE).length, 2, 'series a is split in two');
    assert.equal(paths.filter((e) => e.attrs.stroke === VERMILLION).length, 0, 'one placeable point: no line');
    assert.equal(inGroup(elements, 'points').length, 5);
    assert.ok(!svg.includes('NaN'));
    assert.ok(!svg.includes('Infinity'));
  });

  it('draws an empty chart when nothing can be plotted', () => {
    for (const spec of [{ series: [] }, { series: [{ label: 'x', points: [{ x: Number.NaN, y: Number.NaN }] }] }] as LineChartSpec[]) {
      const svg = renderLineChart(spec);
      assert.doesNotThrow(() => parseXml(svg));
      assert.ok(texts(svg).includes('no data to plot'));
      assert.ok(!svg.includes('NaN'));
    }
  });

  it('leaves out points that a log axis cannot show and labels decades', () => {
    const svg = renderLineChart({
      logX: true,
      logY: true,
      series: [{ label: 'loss', points: [{ x: 0, y: 1 }, { x: 10, y: 0.5 }, { x: 100, y: 0.05 }, { x: 1000, y: -1 }, { x: 10000, y: 0.001 }] }],
    });
    const elements = parseXml(svg);
    assert.equal(inGroup(elements, 'points').length, 3);
    const tickLabels = inGroup(elements, 'tick-labels').map((e) => e.text);
    for (const label of ['10', '100', '1000', '10000', '0.001', '0.01', '0.1', '1']) assert.ok(tickLabels.includes(label), `tick ${label}`);
  });

  it('puts category labels on a categorical axis', () => {
    const svg = renderLineChart({
      xCategories: ['small', 'medium', 'large'],
      series: [{ label: 'acc', points: [{ x: 0, y: 0.5 }, { x: 1, y: 0.7 }, { x: 2, y: 0.8 }] }],
    });
    const tickLabels = inGroup(parseXml(svg), 'tick-labels').map((e) => e.text);
    for (const label of ['small', 'medium', 'large']) assert.ok(tickLabels.includes(label));
  });

  it('gives many series distinct colour, shape or dash combinations', () => {
    const series = Array.from({ length: 10 }, (_, i) => ({ label: `s${i}`, points: [{ x: 0, y: i }, { x: 1, y: i + 1 }] }));
    const paths = inGroup(parseXml(renderLineChart({ series })), 'lines');
    const styles = new Set(paths.map((p) => `${p.attrs.stroke}|${p.attrs['stroke-dasharray'] ?? ''}`));
    assert.equal(styles.size, 10);
  });
});
