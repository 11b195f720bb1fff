import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MISSING_COLOR, columnPosition, renderHeatmap } from './heatmap.js';
import type { HeatmapSpec } from './heatmap.js';
import { VIRIDIS, textColorOn, viridis } from './palette.js';
import { inGroup, parseXml, unescapeXml } from './xml-check.js';

function spec(): HeatmapSpec {
  return {
    title: 'Accuracy',
    xLabel: 'p',
    yLabel: 'verifier',
    valueLabel: 'accuracy',
    rows: ['oracle', '{phi:0.9,psi:0.3}', 'weak'],
    columns: ['0.5', '0.6', '0.7', '0.8'],
    values: [
      [0.5, 0.6, 0.7, 0.9],
      [0.5, 0.55, Number.NaN, 0.8],
      [0.52, null, 0.6, 0.7],
    ],
    rowMarkers: [0.62, Number.NaN, 2.5],
    markerLabel: 'predicted p*',
  };
}

describe('heatmap', () => {
  it('draws one cell per row and column, in viridis from the minimum to the maximum', () => {
    const elements = parseXml(renderHeatmap(spec()));
    const cells = inGroup(elements, 'cells');
    assert.equal(cells.length, 12);
    assert.ok(cells.every((c) => c.name === 'rect'));
    const fills = cells.map((c) => c.attrs.fill);
    assert.equal(fills[0], VIRIDIS[0], 'the minimum (0.5) is the first viridis colour');
    assert.equal(fills[3], VIRIDIS[VIRIDIS.length - 1], 'the maximum (0.9) is the last');
    assert.equal(fills.filter((f) => f === MISSING_COLOR).length, 2, 'NaN and null are grey');
    assert.equal(new Set(fills).size, 8, 'seven distinct values, and grey');
  });

  it('annotates present cells, readable on their colour', () => {
    const elements = parseXml(renderHeatmap(spec()));
    const annotations = inGroup(elements, 'annotations');
    assert.equal(annotations.length, 10);
    assert.deepEqual(annotations.slice(0, 4).map((a) => a.text), ['0.5', '0.6', '0.7', '0.9']);
    assert.equal(annotations[0]!.attrs.fill, '#FFFFFF', 'white on dark purple');
    assert.equal(annotations[3]!.attrs.fill, '#000000', 'black on yellow');
    assert.equal(inGroup(parseXml(renderHeatmap({ ...spec(), annotate: false })), 'annotations').length, 0);
  });

  it('has a colour bar with ticks, labels for rows and columns, and keys for markers and missing cells', () => {
    const svg = renderHeatmap(spec());
    const elements = parseXml(svg);
    assert.ok(elements.some((e) => e.name === 'linearGradient'));
    assert.equal(elements.filter((e) => e.name === 'stop').length, VIRIDIS.length);
    const barLabels = inGroup(elements, 'colorbar').filter((e) => e.name === 'text').map((e) => e.text);
    assert.deepEqual(barLabels, ['0.5', '0.6', '0.7', '0.8', '0.9', 'accuracy']);
    const labels = inGroup(elements, 'labels').map((e) => unescapeXml(e.text));
    assert.deepEqual(labels, ['oracle', '{phi:0.9,psi:0.3}', 'weak', '0.5', '0.6', '0.7', '0.8']);
    assert.deepEqual(inGroup(elements, 'key').filter((e) => e.name === 'text').map((e) => e.text), ['predicted p*', 'missing']);
  });

  it('draws a marker in each row that has one, inside that row', () => {
    const elements = parseXml(renderHeatmap(spec()));
    const markers = inGroup(elements, 'row-markers');
    assert.equal(markers.length, 4, 'two rows, each an outline and a dashed line');
    const cells = inGroup(elements, 'cells');
    const cellTop = (r: number): number => Number(cells[r * 4]!.attrs.y);
    assert.ok(Number(markers[0]!.attrs.y1) > cellTop(0) && Number(markers[0]!.attrs.y2) < cellTop(1));
    assert.ok(Number(markers[2]!.attrs.y1) > cellTop(2));
    const x0 = Number(cells[0]!.attrs.x);
    const w = Number(cells[0]!.attrs.width);
    assert.ok(Math.abs(Number(markers[0]!.attrs.x1) - (x0 + 1.12 * w)) < 0.02);
    assert.ok(Math.abs(Number(markers[2]!.attrs.x1) - (x0 + 3 * w)) < 0.02);
  });

  it('is deterministic and survives empty or all-missing input', () => {
    assert.equal(renderHeatmap(spec()), renderHeatmap(structuredClone(spec())));
    for (const s of [
      { rows: [], columns: [], values: [] },
      { rows: ['a'], columns: ['b', 'c'], values: [[Number.NaN, null]] },
      { rows: ['a', 'b'], columns: ['c'], values: [[3], [3]] },
      { rows: ['a', 'b'], columns: ['c', 'd'], values: [[1]] },
    ] as HeatmapSpec[]) {
      const svg = renderHeatmap(s);
      assert.doesNotThrow(() => parseXml(svg));
      assert.ok(!svg.includes('NaN'));
    }
  });

  it('escapes row and column labels', () => {
    const svg = renderHeatmap({ rows: [`<r&"'>`], columns: [`<c>`], values: [[1]], title: 'a & b' });
    assert.doesNotThrow(() => parseXml(svg));
    assert.ok(svg.includes('&lt;r&amp;&quot;&#39;&gt;'));
  });
});

describe('colour helpers', () => {
  it('viridis runs from dark purple to yellow and clamps', () => {
    assert.equal(viridis(0), '#440154');
    assert.equal(viridis(1), '#FDE725');
    assert.equal(viridis(-3), '#440154');
    assert.equal(viridis(7), '#FDE725');
    assert.equal(viridis(Number.NaN), '#440154');
    assert.equal(viridis(0.5), VIRIDIS[5]);
    assert.equal(textColorOn('#440154'), '#FFFFFF');
    assert.equal(textColorOn('#FDE725'), '#000000');
  });

  it('places values between numeric columns', () => {
    assert.equal(columnPosition([0.5, 0.6, 0.7], 0.6), 1);
    assert.ok(Math.abs(columnPosition([0.5, 0.6, 0.7], 0.65) - 1.5) < 1e-9);
    assert.equal(columnPosition([0.5, 0.6, 0.7], 0.2), -0.5, 'clamped half a column out');
    assert.equal(columnPosition([0.5, 0.6, 0.7], 0.9), 2.5);
    assert.ok(Number.isNaN(columnPosition([0.5, 0.6], Number.NaN)));
    assert.ok(Number.isNaN(columnPosition([], 1)));
  });
});
