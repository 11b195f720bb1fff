import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { encodeTensor } from '@veriflow/ml';
import { sampleMatrixSet } from '../steps/sample.js';
import { decodeMatrices, eigenvaluesAt, encodeMatrices, matrixAt, readMatrices } from './matrices-file.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('matrices file', () => {
  it('round-trips matrices, eigenvalues and the entry range exactly', async () => {
    const set = sampleMatrixSet(7, 3, createRng(1), 4);
    const back = decodeMatrices(encodeMatrices(set));
    assert.equal(back.dim, 3);
    assert.equal(back.count, 7);
    assert.equal(back.entryRange, 4);
    assert.deepEqual(back.matrices, set.matrices);
    assert.deepEqual(back.eigenvalues, set.eigenvalues);
    assert.deepEqual(matrixAt(back, 6), set.matrices.subarray(54, 63));
    assert.deepEqual(eigenvaluesAt(back, 6), set.eigenvalues.subarray(18, 21));

    const dir = await mkdtemp(join(tmpdir(), 'eigen-'));
    dirs.push(dir);
    await writeFile(join(dir, 'data'), encodeMatrices(set));
    assert.deepEqual((await readMatrices(join(dir, 'data'))).eigenvalues, set.eigenvalues);
  });

  it('lays rows out as [matrix row-major, eigenvalues descending]', () => {
    const bytes = encodeMatrices({ dim: 2, count: 1, matrices: Float64Array.from([2, 1, 1, 2]), eigenvalues: Float64Array.from([3, 1]) });
    assert.deepEqual(Array.from(decodeMatrices(bytes).matrices), [2, 1, 1, 2]);
    const expected = encodeTensor(Float64Array.from([2, 1, 1, 2, 3, 1]), [1, 6], { kind: 'veriflow.eigen.matrices/1', dim: 2, count: 1 });
    assert.deepEqual(bytes, expected);
  });

  it('says what is wrong with a file that is not one', async () => {
    assert.throws(() => decodeMatrices(encodeTensor(new Float64Array(6), [1, 6], { kind: 'veriflow.gaussian.kept/1' }), 'x.vft'), /x\.vft is not the "data" output of eigen\/sample/);
    assert.throws(() => decodeMatrices(encodeTensor(new Float64Array(6), [2, 3], { kind: 'veriflow.eigen.matrices/1', dim: 2, count: 1 })), /shape \[2, 3\], expected \[1, 6\]/);
    assert.throws(() => encodeMatrices({ dim: 2, count: 2, matrices: new Float64Array(4), eigenvalues: new Float64Array(4) }), /4 entries for 2 matrices of 2×2/);
    await assert.rejects(readMatrices('/nonexistent/data'), /data: cannot read \/nonexistent\/data/);
  });
});
