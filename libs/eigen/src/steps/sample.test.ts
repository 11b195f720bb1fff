import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { OutputSpecs, StepDefinition } from '@veriflow/step-api';
import { createTestContext } from '@veriflow/steps-core';
import { eigenvaluesAt, matrixAt, readMatrices } from '../artifacts/matrices-file.js';
import { symmetricEigenvalues } from '../math/jacobi.js';
import { isSymmetric } from '../math/symmetric-matrix.js';
import { sample } from './sample.js';

const cleanups: (() => Promise<void>)[] = [];
after(() => Promise.all(cleanups.map((cleanup) => cleanup())));

async function run<W, O extends OutputSpecs>(step: StepDefinition<W, O>, input: W, seed = 1) {
  const t = await createTestContext({ with: input, seed });
  cleanups.push(t.cleanup);
  const outputs = await step.run(t.ctx);
  return { outputs, t };
}

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
    const t = await createTestContext({ with: { n: 1000, dim: 5, entry_range: 10 } });
    cleanups.push(t.cleanup);
    t.abort(new Error('stopped'));
    await assert.rejects(sample.run(t.ctx), /stopped/);
  });
});
