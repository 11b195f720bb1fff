import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeTensor } from '@veriflow/ml';
import type { KeptStatistics, LabelledRows } from '../math/index.js';
import { encodeKept, readKept } from './kept-file.js';

/** d = 3, three kept rows; the statistics are those of the rows, and the counts are all different. */
function handBuilt(): { stats: KeptStatistics; rows: LabelledRows } {
  const d = 3;
  const x = Float64Array.from([1, 2, 3, -0.5, 0.25, 4, 7, -1, 0.125]);
  const y = Float64Array.from([1, -1, 1]);
  const xtx = new Float64Array(d * d);
  const xty = new Float64Array(d);
  for (let r = 0; r < 3; r++) {
    for (let i = 0; i < d; i++) {
      xty[i] = xty[i]! + y[r]! * x[r * d + i]!;
      for (let j = 0; j < d; j++) xtx[i * d + j] = xtx[i * d + j]! + x[r * d + i]! * x[r * d + j]!;
    }
  }
  const stats: KeptStatistics = { dim: d, synthesized: 10, correct: 7, wrong: 3, keptCorrect: 2, keptWrong: 1, kept: 3, xtx, xty };
  return { stats, rows: { dim: d, count: 3, x, y, trueY: Int8Array.from([1, 1, 1]) } };
}

function assertSameStats(actual: KeptStatistics, expected: KeptStatistics): void {
  for (const key of ['dim', 'synthesized', 'correct', 'wrong', 'keptCorrect', 'keptWrong', 'kept'] as const) assert.equal(actual[key], expected[key], key);
  assert.deepEqual(Array.from(actual.xtx), Array.from(expected.xtx));
  assert.deepEqual(Array.from(actual.xty), Array.from(expected.xty));
}

describe('kept file', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'veriflow-kept-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('round-trips the statistics alone, exactly, with no rows', async () => {
    const { stats } = handBuilt();
    const path = join(dir, 'stats-only');
    await writeFile(path, encodeKept(stats));
    const read = await readKept(path);
    assertSameStats(read.stats, stats);
    assert.equal(read.rows, undefined);
  });

  it('round-trips the statistics and the rows (x and y\') exactly', async () => {
    const { stats, rows } = handBuilt();
    const path = join(dir, 'with-rows');
    await writeFile(path, encodeKept(stats, rows));
    const read = await readKept(path);
    assertSameStats(read.stats, stats);
    assert.ok(read.rows);
    assert.equal(read.rows.dim, 3);
    assert.equal(read.rows.count, 3);
    assert.deepEqual(Array.from(read.rows.x), Array.from(rows.x));
    assert.deepEqual(Array.from(read.rows.y), [1, -1, 1]);
    // True labels are not part of the file (estimators never need them): they come back as a zero-filled placeholder.
    assert.equal(read.rows.trueY.length, 3);
  });

  it('keeps a kept set of zero rows as statistics only', async () => {
    const stats: KeptStatistics = { ...handBuilt().stats, keptCorrect: 0, keptWrong: 0, kept: 0, xtx: new Float64Array(9), xty: new Float64Array(3) };
    const path = join(dir, 'empty');
    await writeFile(path, encodeKept(stats, { dim: 3, count: 0, x: new Float64Array(0), y: new Float64Array(0), trueY: new Int8Array(0) }));
    const read = await readKept(path);
    assertSameStats(read.stats, stats);
    assert.equal(read.rows, undefined);
  });

  it('refuses a tensor that is not a kept file, naming the step that writes one', async () => {
    const path = join(dir, 'test-set');
    await writeFile(path, encodeTensor(new Float32Array(8), [2, 4], { kind: 'veriflow.gaussian.test/1' }));
    await assert.rejects(readKept(path), /not the "kept" output of gaussian\/verify/);
  });
});
