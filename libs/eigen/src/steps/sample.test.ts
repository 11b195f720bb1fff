import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { stepTester } from '@veriflow/steps-core';
import { eigenvaluesAt, matrixAt, readMatrices } from '../artifacts/matrices-file.js';
import { symmetricEigenvalues } from '../math/jacobi.js';
import { isSymmetric } from '../math/symmetric-matrix.js';
import { sample } from './sample.js';

const steps = stepTester();
after(steps.cleanup);

const { run } = steps;

describe('eigen/sample', () => {
  it('writes n symmetric matrices with their descending Jacobi spectra', async () => {
    const { outputs, t } = await run(sample, { n: 200, dim: 5, entry_range: 10 });
    assert.deepEqual(outputs, { count: 200, dim: 5 });
    const data = await readMatrices(t.ctx.outputPath('data'));
    assert.equal(data.count, 200);
    assert.equal(data.entryRange, 10);
    for (let i = 0; i < data.count; i++) {
      const a = matrixAt(data, i);
      assert.ok(isSymmetric(a, 5));
      assert.ok(a.every((x) => Math.abs(x) <= 10));
      assert.deepEqual(eigenvaluesAt(data, i), symmetricEigenvalues(a, 5));
    }
    assert.equal(t.progress.at(-1), 1);
    assert.equal(sample.execution, 'worker');
  });

  it('draws from the instance seed, or from `seed` when given', async () => {
    const read = async (input: Parameters<typeof sample.run>[0]['with'], seed: number) => (await readMatrices((await run(sample, input, seed)).t.ctx.outputPath('data'))).matrices;
    const base = { n: 5, dim: 3, entry_range: 10 };
    assert.deepEqual(await read(base, 1), await read(base, 1));
    assert.notDeepEqual(await read(base, 1), await read(base, 2));
    assert.deepEqual(await read({ ...base, seed: 9 }, 1), await read({ ...base, seed: 9 }, 2));
  });

  it('stops when aborted', async () => {
    const t = await steps.context({ with: { n: 1000, dim: 5, entry_range: 10 } });
    t.abort(new Error('stopped'));
    await assert.rejects(sample.run(t.ctx), /stopped/);
  });
});
