import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrackedInstance } from '../model.js';
import { point } from '../testing/fixtures.js';
import { buildComparison, comparisonTable, differingParams, finalMetrics } from './comparison.js';
import { comparisonCsv, comparisonJson, csvField } from './export.js';

function instance(runId: string, name: string, fields: Partial<TrackedInstance> = {}): TrackedInstance {
  return {
    runId,
    name,
    step: name.split('[')[0]!,
    kind: 'k',
    version: '1',
    matrix: {},
    status: 'succeeded',
    cacheKey: undefined,
    producedByRun: undefined,
    params: {},
    tags: {},
    metrics: [],
    datasets: [],
    artifacts: [],
    values: {},
    startedAt: undefined,
    endedAt: undefined,
    error: undefined,
    ...fields,
  };
}

describe('comparison', () => {
  it('final metrics are the points at the highest step, the later one on ties', () => {
    assert.deepEqual(finalMetrics([point('loss', 3, 2), point('loss', 1, 5), point('loss', 2, 4), point('acc', 0.5, 1), point('acc', 0.6, 1)]), { loss: 1, acc: 0.6 });
    assert.deepEqual(finalMetrics([]), {});
  });

  it('keeps only params that differ, counting a missing param as different', () => {
    const rows: { params: Record<string, string> }[] = [{ params: { lr: '0.1', seed: '1', depth: '3' } }, { params: { lr: '0.2', seed: '1', depth: '3' } }, { params: { lr: '0.2', seed: '1' } }];
    assert.deepEqual(differingParams(rows), ['depth', 'lr']);
    assert.deepEqual(differingParams([{ params: { b: '1', a: '2' } }]), ['a', 'b']);
    assert.deepEqual(differingParams([]), []);
    assert.deepEqual(differingParams([{ params: { a: '1', b: '2' } }, { params: { a: '1', b: '3' } }, { params: {} }]), ['b'], 'a row without params does not vote');
    assert.deepEqual(differingParams([{ params: { a: '1' } }, { params: {} }]), ['a']);
  });

  it('columns: differing params, then final metrics, then scalar values; colliding keys get their kind', () => {
    const comparison = buildComparison([
      instance('r1', 'train[p=0.1]', { params: { p: '0.1', seed: '7', acc: 'x' }, metrics: [point('loss', 0.9, 0), point('loss', 0.5, 1)], values: { acc: 0.8, curve: [1, 2], label: 'a' } }),
      instance('r2', 'train[p=0.2]', { params: { p: '0.2', seed: '7', acc: 'y' }, metrics: [point('acc', 0.7, 1)], values: { acc: 0.9, status: 'odd' } }),
    ]);
    assert.deepEqual(comparison.runs, ['r1', 'r2']);
    assert.deepEqual(
      comparison.columns.map((c) => [c.kind, c.header]),
      [['param', 'param.acc'], ['param', 'p'], ['metric', 'metric.acc'], ['metric', 'loss'], ['value', 'label'], ['value', 'value.status']],
    );
    const table = comparisonTable(comparison);
    assert.deepEqual(table.headers, ['run', 'instance', 'status', 'param.acc', 'p', 'metric.acc', 'loss', 'label', 'value.status']);
    assert.deepEqual(table.cells, [
      ['r1', 'train[p=0.1]', 'succeeded', 'x', '0.1', undefined, 0.5, 'a', undefined],
      ['r2', 'train[p=0.2]', 'succeeded', 'y', '0.2', 0.7, undefined, undefined, 'odd'],
    ]);
    assert.deepEqual(comparisonTable(comparison, { includeRun: false }).headers.slice(0, 2), ['instance', 'status']);
    const json = comparisonJson(comparison) as { rows: { params: Record<string, string>; metrics: Record<string, number> }[] };
    assert.deepEqual(json.rows[0]!.params, { p: '0.1', seed: '7', acc: 'x' }, 'JSON rows keep every param');
    assert.deepEqual(json.rows[0]!.metrics, { loss: 0.5 });
  });
});

describe('CSV', () => {
  it('quotes fields with commas, quotes, CR or LF, doubling quotes (RFC 4180)', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('line\nbreak'), '"line\nbreak"');
    assert.equal(csvField('cr\rhere'), '"cr\rhere"');
    assert.equal(csvField(' spaced '), ' spaced ');
    assert.equal(csvField(undefined), '');
    assert.equal(csvField(null), '');
    assert.equal(csvField(0.1 + 0.2), '0.30000000000000004');
    assert.equal(csvField(Number.NaN), 'NaN');
    assert.equal(csvField(true), 'true');
    assert.equal(csvField({ a: [1, 'x'] }), '"{""a"":[1,""x""]}"');
  });

  it('writes a header and one CRLF-terminated record per row', () => {
    const comparison = buildComparison([
      instance('r1', 'train[p=0.1,v=a]', { params: { p: '0.1' }, values: { note: 'x, "y"' } }),
      instance('r1', 'train[p=0.2,v=a]', { params: { p: '0.2' }, status: 'failed' }),
    ]);
    assert.equal(
      comparisonCsv(comparison),
      'run,instance,status,p,note\r\nr1,"train[p=0.1,v=a]",succeeded,0.1,"x, ""y"""\r\nr1,"train[p=0.2,v=a]",failed,0.2,\r\n',
    );
  });
});
