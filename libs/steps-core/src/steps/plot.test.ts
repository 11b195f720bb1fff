import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { createTestContext } from '../testing/test-context.js';
import type { TestContext } from '../testing/test-context.js';
import { inGroup, parseXml, unescapeXml } from '../plot/xml-check.js';
import { OKABE_ITO } from '../plot/palette.js';
import { plot } from './plot.js';
import type { PlotInstance } from './plot.js';

type PlotWith = Parameters<typeof plot.run>[0]['with'];
/** What a workflow writes: the runner fills the schema defaults. */
type Defaulted = 'kind' | 'log_x' | 'log_y' | 'annotate' | 'error_bars' | 'baseline';
type PlotInput = Omit<PlotWith, Defaulted> & Partial<Pick<PlotWith, Defaulted>>;

function withDefaults(input: PlotInput): PlotWith {
  return { kind: 'line', log_x: false, log_y: false, annotate: true, error_bars: 'stderr', baseline: 0, ...input };
}

const verifiers = [{ phi: 0.9, psi: 0.3 }, 'oracle'] as const;

/** evaluate[p, verifier, seed]: accuracy rises with p; the predicted p* differs per verifier. */
function sweep(): PlotInstance[] {
  const instances: PlotInstance[] = [];
  for (const verifier of verifiers) {
    for (const p of [0.5, 0.6, 0.7]) {
      for (const seed of [1, 2]) {
        const matrix = { p, verifier, seed };
        const acc = Math.round((p + (verifier === 'oracle' ? 0.2 : 0) + (seed === 1 ? -0.01 : 0.01)) * 1000) / 1000;
        instances.push({
          name: `evaluate[p=${p},seed=${seed},verifier=${typeof verifier === 'string' ? verifier : '{phi:0.9,psi:0.3}'}]`,
          matrix,
          outputs: { acc, report: '/store/objects/ab/cd', p_star_predicted: verifier === 'oracle' ? 0.55 : 0.65 + (seed - 1.5) * 0.02 },
        });
      }
    }
  }
  return instances;
}

async function runPlot(input: PlotInput): Promise<{ t: TestContext<PlotWith>; svg: string; csv: string }> {
  const t = await createTestContext<PlotWith>({ with: withDefaults(input) });
  try {
    assert.deepEqual(await plot.run(t.ctx), {});
    const svg = await readFile(t.ctx.outputPath('figure'), 'utf8');
    const csv = await readFile(t.ctx.outputPath('data'), 'utf8');
    return { t, svg, csv };
  } finally {
    await t.cleanup();
  }
}

describe('core/plot', () => {
  it('draws a line chart of means with standard-error bars, a reference line and per-series markers, and writes the CSV', async () => {
    const { svg, csv, t } = await runPlot({
      from: sweep(),
      kind: 'line',
      x: 'p',
      y: 'outputs.acc',
      series: 'matrix.verifier',
      aggregate: 'mean',
      title: 'Accuracy <after> verification & "more"',
      reference_lines: [{ y: 0.5, label: 'generator accuracy' }],
      markers: { field: 'outputs.p_star_predicted', label: 'predicted p*' },
    });
    assert.ok(svg.startsWith('<svg'));
    const elements = parseXml(svg);
    assert.equal(elements[0]!.attrs.xmlns, 'http://www.w3.org/2000/svg');
    assert.deepEqual(inGroup(elements, 'lines').map((e) => e.attrs.stroke), [OKABE_ITO[0], OKABE_ITO[1]]);
    const bars = inGroup(elements, 'error-bars');
    assert.equal(bars.length, 6, 'one error bar per averaged point');
    assert.deepEqual([...new Set(bars.map((bar) => unescapeXml(bar.attrs['data-series']!)))], ['{phi:0.9,psi:0.3}', 'oracle']);
    assert.deepEqual(bars.map((bar) => bar.attrs.stroke), [0, 1, 2, 3, 4, 5].map((i) => OKABE_ITO[i < 3 ? 0 : 1]));
    assert.equal(elements.filter((e) => e.parent !== undefined && bars.includes(e.parent) && e.name === 'line').length, 18, 'a bar and two caps each');
    const legend = inGroup(elements, 'legend').filter((e) => e.name === 'text').map((e) => unescapeXml(e.text));
    assert.deepEqual(legend.slice(0, 3), ['verifier', '{phi:0.9,psi:0.3}', 'oracle']);
    assert.ok(legend.some((l) => l.includes('mean over 2 runs')));
    assert.ok(legend.some((l) => l.includes('± 1 standard error')));
    const markers = inGroup(elements, 'markers').filter((e) => e.name === 'text').map((e) => e.text);
    assert.deepEqual(markers.sort(), ['predicted p* = 0.55', 'predicted p* = 0.65']);
    const allText = elements.filter((e) => e.name === 'text').map((e) => unescapeXml(e.text));
    for (const expected of ['Accuracy <after> verification & "more"', 'generator accuracy', 'p', 'acc']) assert.ok(allText.includes(expected), expected);

    assertSweepMeans(csv);
    assert.ok(t.logs.some((l) => l.level === 'info' && l.message.includes('6 points in 2 series')));
  });

  it('error_bars: sd draws ± 1 sd, none draws no bars; the CSV keeps both either way', async () => {
    const options: PlotInput = { from: sweep(), x: 'p', y: 'acc', series: 'verifier', aggregate: 'mean' };
    const sd = await runPlot({ ...options, error_bars: 'sd' });
    const sdElements = parseXml(sd.svg);
    assert.equal(inGroup(sdElements, 'error-bars').length, 6);
    assert.ok(inGroup(sdElements, 'legend').some((e) => unescapeXml(e.text).includes('± 1 sd')));
    const none = await runPlot({ ...options, error_bars: 'none' });
    assert.equal(inGroup(parseXml(none.svg), 'error-bars').length, 0);
    assert.equal(none.csv, sd.csv);
    const stderr = await runPlot(options);
    const barLength = (svg: string): number => {
      const elements = parseXml(svg);
      const first = inGroup(elements, 'error-bars')[0]!;
      const bar = elements.find((e) => e.parent === first && e.name === 'line')!;
      return Math.abs(Number(bar.attrs.y2) - Number(bar.attrs.y1));
    };
    // Two replicates per point: sd / stderr = √2 (up to the axis range, which the longer bars widen slightly).
    assert.ok(Math.abs(barLength(sd.svg) / barLength(stderr.svg) - Math.SQRT2) < 0.1);
  });

  it('is deterministic', async () => {
    const options: PlotInput = { from: sweep(), x: 'p', y: 'acc', series: 'verifier', aggregate: 'mean' };
    const a = await runPlot(options);
    const b = await runPlot(structuredClone(options));
    assert.equal(a.svg, b.svg);
    assert.equal(a.csv, b.csv);
  });

  it('without aggregate plots every instance and warns about repeated x values', async () => {
    const { csv, t } = await runPlot({ from: sweep(), x: 'p', y: 'acc', series: 'verifier' });
    const lines = csv.trimEnd().split('\n');
    assert.equal(lines.length, 13);
    assert.ok(lines.slice(1).every((line) => line.endsWith(',1,,')));
    assert.ok(t.logs.some((l) => l.level === 'warn' && l.message.includes('aggregate: mean')));
  });

  it('quotes CSV fields that need it', async () => {
    const from = [
      { name: 'a', matrix: { v: 'x, "y"' }, outputs: { acc: 1, p: 1 } },
      { name: 'b', matrix: { v: 'x, "y"' }, outputs: { acc: 2, p: 2 } },
    ];
    const { csv } = await runPlot({ from, x: 'p', y: 'acc', series: 'v' });
    assert.equal(csv, 'series,x,y,n,sd,stderr\n"x, ""y""",1,1,1,,\n"x, ""y""",2,2,1,,\n');
  });

  it('skips null and NaN values, and instances lacking a field, without failing', async () => {
    const from: PlotInstance[] = [
      { name: 'e1', matrix: { p: 0.1 }, outputs: { acc: 0.5 } },
      { name: 'e2', matrix: { p: 0.2 }, outputs: { acc: null } },
      { name: 'e3', matrix: { p: 0.3 }, outputs: { acc: 'NaN' } },
      { name: 'e4', matrix: { p: 0.4 }, outputs: {} },
      { name: 'e5', matrix: { p: 0.5 }, outputs: { acc: 0.9 } },
    ];
    const { svg, csv, t } = await runPlot({ from, x: 'p', y: 'acc' });
    assert.equal(csv, 'series,x,y,n,sd,stderr\nacc,0.1,0.5,1,,\nacc,0.5,0.9,1,,\n');
    assert.doesNotThrow(() => parseXml(svg));
    assert.ok(!svg.includes('NaN'));
    assert.ok(t.logs.some((l) => l.level === 'warn' && l.message.includes('1 of 5 instances') && l.message.includes('e4')));
  });

  it('names a missing field and lists the fields that exist', async () => {
    const t = await createTestContext<PlotWith>({ with: withDefaults({ from: sweep(), x: 'p', y: 'outputs.accuracy' }) });
    try {
      await assert.rejects(plot.run(t.ctx), (error: Error) => {
        assert.match(error.message, /y field "outputs\.accuracy" was not found/);
        assert.doesNotMatch(error.message, /did you mean/);
        assert.match(error.message, /outputs\.acc, outputs\.report, outputs\.p_star_predicted, matrix\.p, matrix\.verifier, matrix\.verifier\.phi/);
        return true;
      });
    } finally {
      await t.cleanup();
    }
  });

  it('suggests a field close to a misspelt one', async () => {
    const t = await createTestContext<PlotWith>({ with: withDefaults({ from: sweep(), x: 'matrix.pp', y: 'outputs.acc' }) });
    try {
      await assert.rejects(plot.run(t.ctx), /x field "matrix\.pp" was not found .* \(did you mean "matrix\.p"\?\); fields that exist: /);
    } finally {
      await t.cleanup();
    }
  });

  it('rejects a y value that is not a number, naming the instance', async () => {
    const t = await createTestContext<PlotWith>({ with: withDefaults({ from: sweep(), x: 'p', y: 'report' }) });
    try {
      await assert.rejects(plot.run(t.ctx), /y field "report" of evaluate\[p=0\.5,seed=1,verifier=\{phi:0\.9,psi:0\.3\}\] is not a number: "\/store\/objects\/ab\/cd"/);
    } finally {
      await t.cleanup();
    }
  });

  it('asks for the fields a chart kind needs', async () => {
    const t = await createTestContext<PlotWith>({ with: withDefaults({ from: sweep(), kind: 'heatmap', row: 'verifier', column: 'p' }) });
    try {
      await assert.rejects(plot.run(t.ctx), /heatmap chart needs `value`/);
    } finally {
      await t.cleanup();
    }
  });

  it('reads nested matrix values with dot paths', async () => {
    const { csv } = await runPlot({ from: sweep().filter((i) => i.matrix.verifier !== 'oracle'), x: 'p', y: 'acc', series: 'matrix.verifier.phi', aggregate: 'mean' });
    assert.deepEqual(csv.trimEnd().split('\n').slice(1).map((l) => l.split(',').slice(0, 2).join(',')), ['0.9,0.5', '0.9,0.6', '0.9,0.7']);
  });

  it('draws a heatmap of means with per-row markers and writes the cells as CSV', async () => {
    const { svg, csv, t } = await runPlot({
      from: sweep(),
      kind: 'heatmap',
      row: 'verifier',
      column: 'p',
      value: 'acc',
      aggregate: 'mean',
      markers: { field: 'p_star_predicted' },
      reference_lines: [{ y: 0.5, label: 'chance' }],
    });
    assert.ok(t.logs.some((l) => l.level === 'warn' && l.message.includes('reference_lines does not apply to a heatmap')));
    assert.ok(svg.startsWith('<svg'));
    const elements = parseXml(svg);
    assert.equal(inGroup(elements, 'cells').length, 6);
    assert.equal(inGroup(elements, 'row-markers').length, 4);
    assert.deepEqual(inGroup(elements, 'key').filter((e) => e.name === 'text').map((e) => e.text), ['p_star_predicted']);
    const lines = csv.trimEnd().split('\n');
    assert.equal(lines[0], 'row,column,value,n,sd,stderr');
    assert.deepEqual(lines.slice(1).map((l) => parseCsvLine(l).slice(0, 2).join(' ')), [
      '{phi:0.9,psi:0.3} 0.5',
      '{phi:0.9,psi:0.3} 0.6',
      '{phi:0.9,psi:0.3} 0.7',
      'oracle 0.5',
      'oracle 0.6',
      'oracle 0.7',
    ]);
  });

  it('draws grouped bars of means with standard-error bars and a reference line, and writes one CSV row per bar', async () => {
    const { svg, csv, t } = await runPlot({
      from: sweep(),
      kind: 'bar',
      x: 'p',
      y: 'acc',
      series: 'verifier',
      aggregate: 'mean',
      reference_lines: [{ y: 0.5, label: 'generator accuracy' }],
    });
    const elements = parseXml(svg);
    const bars = inGroup(elements, 'bars');
    assert.deepEqual(
      bars.map((bar) => `${unescapeXml(bar.attrs['data-series']!)} ${bar.attrs['data-group']} ${bar.attrs.fill}`),
      ['0.5', '0.6', '0.7'].map((p) => `{phi:0.9,psi:0.3} ${p} ${OKABE_ITO[0]}`).concat(['0.5', '0.6', '0.7'].map((p) => `oracle ${p} ${OKABE_ITO[1]}`)),
    );
    // Means 0.5, 0.6, 0.7 and 0.7, 0.8, 0.9 from a zero baseline: heights in those proportions.
    const heights = bars.map((bar) => Number(bar.attrs.height));
    [0.5, 0.6, 0.7, 0.7, 0.8, 0.9].forEach((mean, i) => assert.ok(Math.abs(heights[i]! / heights[0]! - mean / 0.5) < 1e-3, `bar ${i}`));
    assert.equal(inGroup(elements, 'error-bars').length, 6, 'one error bar per averaged bar');
    assert.equal(inGroup(elements, 'reference-lines').filter((e) => e.name === 'line').length, 1);
    const legend = inGroup(elements, 'legend').filter((e) => e.name === 'text').map((e) => unescapeXml(e.text));
    assert.deepEqual(legend.slice(0, 3), ['verifier', '{phi:0.9,psi:0.3}', 'oracle']);
    assert.ok(legend.some((l) => l.includes('Bars: mean over 2 runs per bar')));
    assert.ok(legend.some((l) => l.includes('error bars: ± 1 standard error')));

    assertSweepMeans(csv);
    assert.ok(t.logs.some((l) => l.level === 'info' && l.message.includes('bar chart of 6 bars in 3 groups and 2 series from 12 instances')));
  });

  it('bar: error_bars sd draws bars √2 times the standard error; none draws none', async () => {
    const options: PlotInput = { from: sweep(), kind: 'bar', x: 'p', y: 'acc', series: 'verifier', aggregate: 'mean' };
    const barLength = (svg: string): number => {
      const elements = parseXml(svg);
      const first = inGroup(elements, 'error-bars')[0]!;
      const stroke = elements.find((e) => e.parent === first && e.name === 'line')!;
      return Math.abs(Number(stroke.attrs.y2) - Number(stroke.attrs.y1));
    };
    const sd = await runPlot({ ...options, error_bars: 'sd' });
    const stderr = await runPlot(options);
    assert.equal(inGroup(parseXml(stderr.svg), 'bars').length, 6);
    assert.ok(Math.abs(barLength(sd.svg) / barLength(stderr.svg) - Math.SQRT2) < 0.02);
    const none = await runPlot({ ...options, error_bars: 'none' });
    assert.equal(inGroup(parseXml(none.svg), 'error-bars').length, 0);
    assert.equal(none.csv, sd.csv);
  });

  it('bar without aggregate shows the mean of repeated values, says so, and warns', async () => {
    const { svg, csv, t } = await runPlot({ from: sweep(), kind: 'bar', x: 'verifier', y: 'acc', series: 'p' });
    const bars = inGroup(parseXml(svg), 'bars');
    assert.deepEqual([...new Set(bars.map((bar) => unescapeXml(bar.attrs['data-group']!)))], ['{phi:0.9,psi:0.3}', 'oracle'], 'categorical groups in order of first appearance');
    assert.equal(bars.length, 6);
    assert.equal(inGroup(parseXml(svg), 'error-bars').length, 0);
    assert.ok(csv.trimEnd().split('\n').slice(1).every((line) => parseCsvLine(line)[3] === '2' && parseCsvLine(line)[4] !== ''));
    assert.ok(t.logs.some((l) => l.level === 'warn' && l.message.includes('6 bars stand for several values') && l.message.includes('aggregate: mean')));
  });

  it('bar: skips a cell whose values are all null and leaves its slot empty', async () => {
    const from: PlotInstance[] = [
      { name: 'a1', matrix: { budget: 0.5, selector: 'oracle' }, outputs: { rouge: 0.4 } },
      { name: 'a2', matrix: { budget: 0.25, selector: 'oracle' }, outputs: { rouge: 0.3 } },
      { name: 'b1', matrix: { budget: 0.5, selector: 'random' }, outputs: { rouge: null } },
      { name: 'b2', matrix: { budget: 0.25, selector: 'random' }, outputs: { rouge: 0.2 } },
    ];
    const { svg, csv } = await runPlot({ from, kind: 'bar', x: 'budget', y: 'rouge', series: 'selector' });
    assert.equal(csv, 'series,x,y,n,sd,stderr\noracle,0.25,0.3,1,,\noracle,0.5,0.4,1,,\nrandom,0.25,0.2,1,,\n', 'numeric groups ascending');
    assert.deepEqual(inGroup(parseXml(svg), 'bars').map((bar) => `${bar.attrs['data-series']} ${bar.attrs['data-group']}`), ['oracle 0.25', 'oracle 0.5', 'random 0.25']);
  });

  it('warns about fields a kind does not read', async () => {
    const bar = await runPlot({ from: sweep(), kind: 'bar', x: 'p', y: 'acc', log_y: true, markers: { field: 'p_star_predicted' } });
    assert.ok(bar.t.logs.some((l) => l.level === 'warn' && l.message.includes('log_y, markers do not apply to a bar chart')));
    const line = await runPlot({ from: sweep(), x: 'p', y: 'acc', baseline: 0.3 });
    assert.ok(line.t.logs.some((l) => l.level === 'warn' && l.message.includes('baseline does not apply to a line chart')));
  });

  it('plots an empty fan-in as an empty chart', async () => {
    const { svg, csv } = await runPlot({ from: [], x: 'p', y: 'acc' });
    assert.doesNotThrow(() => parseXml(svg));
    assert.equal(csv, 'series,x,y,n,sd,stderr\n');
  });
});

/** The CSV of sweep() averaged per (verifier, p): six rows, series-major, with the first row's mean, sd and stderr. */
function assertSweepMeans(csv: string): void {
  const lines = csv.trimEnd().split('\n');
  assert.equal(lines[0], 'series,x,y,n,sd,stderr');
  assert.equal(lines.length, 7);
  const [series, x, y, n, sd, stderr] = parseCsvLine(lines[1]!);
  assert.deepEqual([series, x, n], ['{phi:0.9,psi:0.3}', '0.5', '2']);
  // Accuracies 0.49 and 0.51: mean 0.5, sample sd √(2 · 0.01² / 1) = √2 · 0.01, standard error sd / √2 = 0.01.
  assert.ok(Math.abs(Number(y) - 0.5) < 1e-12);
  assert.ok(Math.abs(Number(sd) - Math.SQRT2 * 0.01) < 1e-9, 'sample standard deviation');
  assert.ok(Math.abs(Number(stderr) - 0.01) < 1e-9, 'standard error of the mean');
  assert.deepEqual(parseCsvLine(lines[4]!).slice(0, 2), ['oracle', '0.5']);
}

/** Splits one CSV line, honouring double-quoted fields. */
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      fields.push(field);
      field = '';
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields;
}
