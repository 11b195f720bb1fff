import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileWorkflow, loadWorkflow } from '@veriflow/workflow';
import type { StepCatalog, WorkflowGraph } from '@veriflow/workflow';
import { renderGraph } from './graph-formats.js';

const catalog: StepCatalog = {
  names: () => ['toy/step'],
  lookup: (name) => (name === 'toy/step' ? { name, version: '1', withSchema: { type: 'object' }, outputs: () => ({ out: { kind: 'number' } }) } : undefined),
};
const compile = (...lines: string[]): WorkflowGraph => compileWorkflow(loadWorkflow(`${lines.join('\n')}\n`, 'wf.yaml'), catalog, { workflowDir: '/w', env: {} });

const graph = compile(
  'name: g',
  'steps:',
  '  prepare: { uses: toy/step }',
  '  train:',
  '    uses: toy/step',
  '    matrix: { p: [0.1, 0.3] }',
  '    with: { x: "${{ steps.prepare.outputs.out }}" }',
  '  report:',
  '    uses: toy/step',
  '    with: { all: "${{ steps.train.instances }}" }',
);

describe('renderGraph', () => {
  it('text: each step with its kind, instance count and dependencies, then its instances', () => {
    assert.equal(
      renderGraph(graph, 'text'),
      [
        'prepare  toy/step  ×1',
        '  prepare',
        'train  toy/step  ×2  ← prepare',
        '  train[p=0.1]  ← prepare',
        '  train[p=0.3]  ← prepare',
        'report  toy/step  ×1  ← train (all)',
        '  report  ← train[p=0.1], train[p=0.3]',
      ].join('\n'),
    );
  });

  it('mermaid: a node per instance and an edge per dependency', () => {
    assert.equal(
      renderGraph(graph, 'mermaid'),
      [
        'flowchart LR',
        '  n0["prepare"]',
        '  n1["train[p=0.1]"]',
        '  n2["train[p=0.3]"]',
        '  n3["report"]',
        '  n0 --> n1',
        '  n0 --> n2',
        '  n1 --> n3',
        '  n2 --> n3',
      ].join('\n'),
    );
  });

  it('dot: quoted instance names, labelled with the step kind', () => {
    assert.equal(
      renderGraph(graph, 'dot'),
      [
        'digraph veriflow {',
        '  rankdir=LR;',
        '  "prepare" [label="prepare\\ntoy/step"];',
        '  "train[p=0.1]" [label="train[p=0.1]\\ntoy/step"];',
        '  "train[p=0.3]" [label="train[p=0.3]\\ntoy/step"];',
        '  "report" [label="report\\ntoy/step"];',
        '  "prepare" -> "train[p=0.1]";',
        '  "prepare" -> "train[p=0.3]";',
        '  "train[p=0.1]" -> "report";',
        '  "train[p=0.3]" -> "report";',
        '}',
      ].join('\n'),
    );
  });

  it('escapes quotes in instance names', () => {
    const quoted = compile('name: q', 'steps:', '  t:', '    uses: toy/step', '    matrix: { tag: ["a b"] }');
    assert.equal(renderGraph(quoted, 'mermaid').split('\n')[1], '  n0["t[tag=#quot;a b#quot;]"]');
    assert.equal(renderGraph(quoted, 'dot').split('\n')[2], '  "t[tag=\\"a b\\"]" [label="t[tag=\\"a b\\"]\\ntoy/step"];');
  });
});
