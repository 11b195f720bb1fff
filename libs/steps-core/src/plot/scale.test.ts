import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decimalsFor, formatTick, formatValue, labelOf, num } from './format.js';
import { linearScale, linearTicks, logScale, logTicks, niceStep } from './scale.js';

const values = (ticks: { readonly ticks: readonly { value: number }[] }): number[] => ticks.ticks.map((t) => t.value);
const labels = (ticks: { readonly ticks: readonly { label: string }[] }): string[] => ticks.ticks.map((t) => t.label);

describe('nice numbers', () => {
  it('rounds steps up to 1, 2 or 5 times a power of ten', () => {
    assert.equal(niceStep(0.13), 0.2);
    assert.equal(niceStep(0.2), 0.2);
    assert.equal(niceStep(0.31), 0.5);
    assert.equal(niceStep(7), 10);
    assert.equal(niceStep(1), 1);
    assert.equal(niceStep(0.0042), 0.005);
    assert.equal(niceStep(1500), 2000);
    assert.equal(niceStep(0), 1);
    assert.equal(niceStep(Number.NaN), 1);
  });

  it('gives exact tick values and labels over 0..1, without floating-point noise', () => {
    const t = linearTicks(0, 1, 5);
    assert.deepEqual(values(t), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(labels(t), ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    assert.deepEqual(t.domain, [0, 1]);
  });

  it('widens the domain to the enclosing ticks', () => {
    const t = linearTicks(0.52, 0.97, 5);
    assert.deepEqual(values(t), [0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    assert.deepEqual(t.domain, [0.5, 1]);
    assert.deepEqual(labels(linearTicks(0.3, 0.7, 8)), ['0.30', '0.35', '0.40', '0.45', '0.50', '0.55', '0.60', '0.65', '0.70']);
  });

  it('keeps only ticks inside the range when not widening (colour bars)', () => {
    assert.deepEqual(values(linearTicks(0.52, 0.97, 5, false)), [0.6, 0.7, 0.8, 0.9]);
  });

  it('handles negative ranges, reversed ends and a single value', () => {
    assert.deepEqual(values(linearTicks(-3, 7, 5)), [-4, -2, 0, 2, 4, 6, 8]);
    assert.deepEqual(values(linearTicks(7, -3, 5)), [-4, -2, 0, 2, 4, 6, 8]);
    const single = linearTicks(5, 5);
    assert.ok(single.domain[0] < 5 && single.domain[1] > 5);
    assert.ok(values(linearTicks(0, 0)).includes(0));
    assert.equal(labels(linearTicks(-1, 1)).includes('-0.0'), false);
  });

  it('formats ticks and values deterministically', () => {
    assert.equal(decimalsFor(0.05), 2);
    assert.equal(decimalsFor(5), 0);
    assert.equal(formatTick(0.1 + 0.2, 1), '0.3');
    assert.equal(formatTick(2e-6, 6), '2e-6');
    assert.equal(formatTick(3_000_000, 0), '3e6');
    assert.equal(formatValue(0.87349), '0.873');
    assert.equal(formatValue(0.5), '0.5');
    assert.equal(formatValue(1234.5), '1235');
    assert.equal(formatValue(Number.NaN), 'NaN');
    assert.equal(num(-0.001), '0');
    assert.equal(num(12.3456), '12.35');
  });

  it('labels values compactly, objects like instance names do', () => {
    assert.equal(labelOf({ phi: 0.9, psi: 0.3 }), '{phi:0.9,psi:0.3}');
    assert.equal(labelOf('oracle'), 'oracle');
    assert.equal(labelOf('two words'), 'two words');
    assert.equal(labelOf({ name: 'two words' }), '{name:"two words"}');
    assert.equal(labelOf([1, 'a']), '[1,a]');
    assert.equal(labelOf(0.25), '0.25');
  });
});

describe('log scale', () => {
  it('puts ticks on powers of ten over several decades', () => {
    const t = logTicks(0.003, 40);
    assert.deepEqual(values(t), [0.001, 0.01, 0.1, 1, 10, 100]);
    assert.deepEqual(labels(t), ['0.001', '0.01', '0.1', '1', '10', '100']);
    assert.deepEqual(t.domain, [0.001, 100]);
  });

  it('uses 1-2-5 multiples within about a decade', () => {
    const t = logTicks(0.15, 0.8);
    assert.deepEqual(values(t), [0.1, 0.2, 0.5, 1]);
    assert.deepEqual(labels(t), ['0.1', '0.2', '0.5', '1']);
  });

  it('thins powers of ten over many decades and writes extremes as exponents', () => {
    const t = logTicks(1e-12, 1e12);
    assert.ok(t.ticks.length <= 9, `${t.ticks.length} ticks`);
    assert.equal(t.ticks[0]!.label, '1e-12');
    assert.equal(t.ticks[t.ticks.length - 1]!.label, '1e12');
  });

  it('maps decades to equal distances and cannot place non-positive values', () => {
    const scale = logScale(logTicks(1, 1000), [0, 300]);
    assert.equal(scale.map(1), 0);
    assert.ok(Math.abs(scale.map(10) - 100) < 1e-9);
    assert.ok(Math.abs(scale.map(1000) - 300) < 1e-9);
    assert.ok(Number.isNaN(scale.map(0)));
    assert.ok(Number.isNaN(scale.map(-5)));
  });

  it('falls back to linear ticks over a narrow positive range and survives bad input', () => {
    const t = logTicks(2.1, 2.9);
    assert.ok(t.ticks.length >= 3);
    assert.ok(t.ticks.every((tick) => tick.value > 0));
    assert.ok(logTicks(-1, 0).ticks.length > 0);
    assert.ok(logTicks(Number.NaN, 5).ticks.length > 0);
  });

  it('linear scale maps the domain ends to the range ends and NaN to NaN', () => {
    const scale = linearScale(linearTicks(0, 1), [10, 110]);
    assert.equal(scale.map(0), 10);
    assert.equal(scale.map(1), 110);
    assert.ok(Number.isNaN(scale.map(Number.NaN)));
  });
});
