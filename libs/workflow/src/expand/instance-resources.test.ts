import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StepKindInfo } from '../compile/step-catalog.js';
import { resolveResources } from './instance-resources.js';

const kind = { name: 'toy/fit', version: '1', withSchema: {}, outputs: () => ({}), resources: { gpu: 1, memoryMb: 2048 } } satisfies StepKindInfo;
const lookup = (values: Record<string, unknown>) => (path: readonly (string | number)[]) => values[path.join('.')];

describe('resolveResources', () => {
  it('takes each field from the workflow, else the kind, else 1 CPU and no GPU', () => {
    assert.deepEqual(resolveResources({ cpus: undefined, gpu: undefined, memoryMb: undefined }, undefined, lookup({})).resources, { cpus: 1, gpu: 0, memoryMb: undefined });
    assert.deepEqual(resolveResources({ cpus: 4, gpu: undefined, memoryMb: undefined }, kind, lookup({})).resources, { cpus: 4, gpu: 1, memoryMb: 2048 });
    assert.deepEqual(resolveResources({ cpus: undefined, gpu: 0, memoryMb: undefined }, kind, lookup({})).resources, { cpus: 1, gpu: 0, memoryMb: 2048 }, 'a workflow can ask a GPU kind for none');
  });

  it('evaluates expressions with the instance\'s values and refuses amounts that are no amount', () => {
    const written = { cpus: undefined, gpu: "${{ matrix.device == 'gpu' ? 2 : 0 }}", memoryMb: undefined };
    assert.equal(resolveResources(written, undefined, lookup({ 'matrix.device': 'gpu' })).resources.gpu, 2);
    assert.equal(resolveResources(written, undefined, lookup({ 'matrix.device': 'cpu' })).resources.gpu, 0);
    const bad = resolveResources({ cpus: '${{ params.n }}', gpu: 1.5, memoryMb: undefined }, undefined, lookup({ 'params.n': -1 }));
    assert.deepEqual(bad.problems, [
      { field: 'cpus', message: 'gives -1, but must be a number of CPU cores above 0' },
      { field: 'gpu', message: 'gives 1.5, but must be a whole number of GPUs, 0 or more' },
    ]);
    assert.deepEqual(bad.resources, { cpus: 1, gpu: 0, memoryMb: undefined });
  });
});
