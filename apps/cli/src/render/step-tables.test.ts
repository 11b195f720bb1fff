import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderStepTables, shownOutputs } from './step-tables.js';
import type { ShownInstance, StepTablesOptions } from './step-tables.js';

const EVERYTHING = 'veriflow runs show RUN --all';
const options = (width: number): StepTablesOptions => ({ width, everything: EVERYTHING });

const instance = (step: string, matrix: Record<string, unknown>, outputs: Record<string, unknown> = {}, extra: Partial<ShownInstance> = {}): ShownInstance => ({
  name: `${step}[${Object.entries(matrix).map(([key, value]) => `${key}=${String(value)}`).join(',')}]`,
  step,
  kind: `demo/${step}`,
  status: 'succeeded',
  matrix,
  facts: {},
  outputs,
  time: '12ms',
  ...extra,
});

const PS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
const VERIFIERS = ['oracle', 'random', 'rates-0.75', 'rates-0.6'];

/** Shaped like the Gaussian demo's evaluate step: 76 instances, a constant axis, a dozen outputs, one failure. */
function demoEvaluate(): ShownInstance[] {
  return PS.flatMap((p, row) =>
    VERIFIERS.map((verifier, column) => {
      const failed = p === 0.5 && verifier === 'random';
      return instance(
        'evaluate',
        { p, replicate: 1, verifier },
        failed
          ? {}
          : {
              accuracy: 0.9394678182863986 - row * 0.04 - column * 0.001,
              test_accuracy: 0.9388 - row * 0.04,
              bayes_accuracy: 0.9400269653364272,
              relative_error: 0.0005948202239373641 * (row + 1),
              generator_accuracy: 1 - p,
              beats_generator: p > 0.1,
              collapsed: p > 0.6,
              p,
              verifier,
              replicate: 1,
              p_star: 0.5097 + column * 0.1,
              p_star_predicted: 0.5 + column * 0.1,
              model_description: 'ridge regression with lambda 0.001 on the kept pairs',
            },
        failed ? { status: 'failed', time: '' } : { time: `${10 + row + column}ms` },
      );
    }),
  );
}

const demo = (): ShownInstance[] => [
  instance('problem', {}, { mu_norm: 1.555, bayes_accuracy: 0.9400269653364272 }, { time: '194ms' }),
  ...PS.map((p, row) => instance('synth', { p, replicate: 1 }, { generator_error: p }, { time: `${row + 1}ms` })),
  ...demoEvaluate(),
  instance('curves', {}, {}, { status: 'cached', time: '' }),
];

const linesOf = (text: string): string[] => text.split('\n');
/** The lines of one step's block, from its heading to the blank line after it. */
function block(text: string, step: string): string[] {
  const lines = linesOf(text);
  const start = lines.findIndex((line) => line.startsWith(`${step} (`));
  assert.ok(start >= 0, `no block for ${step} in:\n${text}`);
  const end = lines.indexOf('', start);
  return lines.slice(start, end < 0 ? undefined : end);
}
const headerOf = (lines: readonly string[]): string[] => lines.find((line) => /^\s+-+(\s+-+)*$/.test(lines[lines.indexOf(line) + 1] ?? ''))!.trim().split(/\s+/);

describe('renderStepTables', () => {
  for (const width of [80, 100, 120]) {
    it(`never writes a line wider than ${width} columns`, () => {
      const text = renderStepTables(demo(), options(width));
      for (const line of linesOf(text)) assert.ok(line.length <= width, `${line.length} > ${width}: ${line}`);
      assert.ok(linesOf(text).length < 60, `${linesOf(text).length} lines`);
    });
  }

  it('says a column that is the same in every row once, and leaves it out of the table', () => {
    const lines = block(renderStepTables(demo(), options(120)), 'evaluate');
    assert.equal(lines[0], 'evaluate (demo/evaluate): 76 instances, 75 succeeded, 1 failed');
    assert.equal(lines[1], '  same for all: replicate=1');
    // The failed instance has no outputs: the constant is not claimed for it.
    assert.match(lines[2]!, /^ {2}same wherever set: bayes_accuracy=0\.94, model_description=ridge regression/);
    const header = headerOf(lines);
    assert.deepEqual(header.slice(0, 3), ['p', 'verifier', 'status']);
    assert.ok(!header.includes('replicate') && !header.includes('bayes_accuracy'), header.join(' '));
  });

  it('shows the status column only when statuses differ, and the outputs that repeat a matrix axis not at all', () => {
    const text = renderStepTables(demo(), options(120));
    const synth = block(text, 'synth');
    assert.equal(synth[0], 'synth (demo/synth): 19 instances, 19 succeeded');
    assert.deepEqual(headerOf(synth), ['p', 'time']);
    assert.equal(synth[1], '  same for all: replicate=1');
    assert.equal(synth[2], '  same in every row: generator_error = p');
    const header = headerOf(block(text, 'evaluate'));
    assert.equal(header.filter((name) => name === 'p').length, 1);
    assert.equal(header.filter((name) => name === 'verifier').length, 1);
  });

  it('shows the first and last rows of a long step and says how many are left out', () => {
    const synth = block(renderStepTables(demo(), options(100)), 'synth');
    const rows = synth.slice(synth.findIndex((line) => line.includes('---')) + 1);
    assert.deepEqual(
      rows.map((line) => line.trim()),
      ['0.05   1ms', '0.1   2ms', '0.15   3ms', '0.2   4ms', '0.25   5ms', `… 11 more rows, see \`${EVERYTHING}\``, '0.85  17ms', '0.9  18ms', '0.95  19ms'],
    );
  });

  it('keeps a failed row of a long step, between the rows it leaves out, at every width', () => {
    for (const width of [80, 100, 120]) {
      const lines = block(renderStepTables(demo(), options(width)), 'evaluate');
      const failed = lines.filter((line) => /^\s+0\.5\s+random\s+failed\b/.test(line));
      assert.equal(failed.length, 1, lines.join('\n'));
      const omitted = lines.flatMap((line) => /… (\d+) more rows?/.exec(line)?.[1] ?? []).map(Number);
      assert.equal(omitted.length, 2, 'a gap before and after the failed row');
      const tableRows = lines.filter((line) => /^\s+0\.\d+\s+(oracle|random|rates)/.test(line)).length;
      assert.equal(tableRows + omitted.reduce((sum, count) => sum + count, 0), 76);
    }
  });

  it('shows a step of one instance as its heading and its outputs', () => {
    const text = renderStepTables(demo(), options(100));
    assert.deepEqual(block(text, 'problem'), ['problem (demo/problem): succeeded in 194ms', '  mu_norm=1.555, bayes_accuracy=0.94']);
    assert.deepEqual(block(text, 'curves'), ['curves (demo/curves): cached']);
    const cached = renderStepTables([instance('load', {}, { rows: 3 }, { status: 'cached', time: '2.5s', facts: { 'cached from': 'RUN-A' } })], options(100));
    assert.equal(cached, 'load (demo/load): cached (took 2.5s)\n  cached from=RUN-A, rows=3');
  });

  it('lists every row of a short step and no "more rows" line', () => {
    const few = VERIFIERS.map((verifier, index) => instance('train', { verifier }, { trained_on: 1000 * (index + 1) }, { time: `${index + 1}.5s` }));
    assert.equal(
      renderStepTables(few, options(100)),
      [
        'train (demo/train): 4 instances, 4 succeeded',
        '  verifier    trained_on  time',
        '  ----------  ----------  ----',
        '  oracle            1000  1.5s',
        '  random            2000  2.5s',
        '  rates-0.75        3000  3.5s',
        '  rates-0.6         4000  4.5s',
      ].join('\n'),
    );
  });

  it('leaves out trailing columns that do not fit, names them, and never drops the matrix axes', () => {
    const wide = [1, 2].map((seed) => instance('score', { 'a-long-axis-name': `first-value-${seed}`, seed }, Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`metric_${index}`, seed + (index + 1) / 7])), { time: `${seed}s` }));
    const lines = block(renderStepTables(wide, options(80)), 'score');
    const header = headerOf(lines);
    assert.deepEqual(header.slice(0, 2), ['a-long-axis-name', 'seed']);
    const notShown = lines.filter((line) => line.startsWith('  not shown (too wide): ') || line.startsWith('    metric_')).join(' ');
    for (let index = 0; index < 30; index++) assert.equal(header.includes(`metric_${index}`) || notShown.includes(`metric_${index}`), true, `metric_${index}`);
    assert.ok(notShown.includes('time'));
    for (const line of lines) assert.ok(line.length <= 80, line);
  });

  it('stays within the width even when the matrix axes alone are wider', () => {
    const axes = (seed: number): Record<string, unknown> => Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`axis_${index}`, `value-${seed}-${index}`]));
    const text = renderStepTables([instance('grid', axes(1), { x: 1 }), instance('grid', axes(2), { x: 2 })], options(80));
    for (const line of linesOf(text)) assert.ok(line.length <= 80, `${line.length}: ${line}`);
  });

  it('formats numbers to 4 significant digits and elides long text cells', () => {
    const text = renderStepTables([instance('s', { v: 'a' }, { x: 1 / 3, note: 'n'.repeat(60) }), instance('s', { v: 'b' }, { x: 2 / 3, note: 'm'.repeat(60) })], options(120));
    assert.match(text, /\n {2}a {2}0\.3333 {2}n{23}…\n/);
    assert.match(text, /\n {2}same for all: time=12ms\n/);
  });
});

describe('shownOutputs', () => {
  it('puts the metrics first and leaves out lists, records and values named like a metric', () => {
    assert.deepEqual(shownOutputs({ loss: 0.1 }, { loss: 0.2, acc: 0.9, path: 'x', curve: [1, 2], config: { a: 1 }, empty: null }), { loss: 0.1, acc: 0.9, path: 'x' });
  });
});
