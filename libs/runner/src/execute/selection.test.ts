import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileWorkflow, loadWorkflow } from '@veriflow/workflow';
import type { StepCatalog } from '@veriflow/workflow';
import { selectInstances } from './selection.js';

const catalog: StepCatalog = {
  names: () => ['toy/step'],
  lookup: (name) => (name === 'toy/step' ? { name, version: '1', withSchema: { type: 'object' }, outputs: () => ({ out: { kind: 'number' } }) } : undefined),
};

// prepare → train[p] → evaluate[p] → report (fan-in); lint stands alone.
const graph = compileWorkflow(
  loadWorkflow(
    [
      'name: sel',
      'steps:',
      '  prepare: { uses: toy/step }',
      '  lint: { uses: toy/step }',
      '  train:',
      '    uses: toy/step',
      '    matrix: { p: [1, 2] }',
      '    with: { data: "${{ steps.prepare.outputs.out }}" }',
      '  evaluate:',
      '    uses: toy/step',
      '    with: { model: "${{ steps.train.outputs.out }}" }',
      '  report:',
      '    uses: toy/step',
      '    with: { all: "${{ steps.evaluate.instances }}" }',
      '',
    ].join('\n'),
    'wf.yaml',
  ),
  catalog,
  { workflowDir: '/w', env: {} },
);
const sorted = (names: Iterable<string>): string[] => [...names].sort();

describe('selectInstances', () => {
  it('selects every instance without --only', () => {
    assert.deepEqual(sorted(selectInstances(graph, {})), sorted(graph.instances.map((instance) => instance.name)));
    assert.equal(selectInstances(graph, { force: 'all' }).size, graph.instances.length);
  });

  it('selects the named steps and everything upstream of them', () => {
    assert.deepEqual(sorted(selectInstances(graph, { only: ['evaluate'] })), ['evaluate[p=1]', 'evaluate[p=2]', 'prepare', 'train[p=1]', 'train[p=2]']);
  });

  it('follows fan-in dependencies to every collected instance', () => {
    assert.deepEqual(sorted(selectInstances(graph, { only: ['report'] })), ['evaluate[p=1]', 'evaluate[p=2]', 'prepare', 'report', 'train[p=1]', 'train[p=2]']);
  });

  it('leaves out downstream and unrelated steps', () => {
    assert.deepEqual(sorted(selectInstances(graph, { only: ['train'] })), ['prepare', 'train[p=1]', 'train[p=2]']);
    assert.deepEqual(sorted(selectInstances(graph, { only: ['lint'] })), ['lint']);
  });

  it('selects one named instance and its upstream only, not its matrix siblings', () => {
    assert.deepEqual(sorted(selectInstances(graph, { only: ['evaluate[p=2]'] })), ['evaluate[p=2]', 'prepare', 'train[p=2]']);
  });

  it('unions several steps', () => {
    assert.deepEqual(sorted(selectInstances(graph, { only: ['lint', 'prepare'] })), ['lint', 'prepare']);
  });

  it('an empty or unknown --only list selects nothing', () => {
    assert.equal(selectInstances(graph, { only: [] }).size, 0);
    assert.equal(selectInstances(graph, { only: ['nope'] }).size, 0);
  });
});
