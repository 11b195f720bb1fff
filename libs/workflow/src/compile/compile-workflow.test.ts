import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateTemplate } from '../expand/evaluate-template.js';
import { instanceLookup } from '../expand/instance-scope.js';
import { loadWorkflow } from '../spec/load-workflow.js';
import { compileWorkflow } from './compile-workflow.js';
import type { StepCatalog, StepKindInfo } from './step-catalog.js';
import type { WorkflowGraph } from './workflow-graph.js';

// Toy step kinds: test data for the compiler, not stand-ins for real components.
const KINDS: Record<string, Omit<StepKindInfo, 'name' | 'version'>> = {
  'toy/synth': {
    withSchema: { type: 'object', properties: { p: { type: 'number' } }, additionalProperties: false },
    outputs: () => ({ y: { kind: 'number' }, data: { kind: 'artifact' } }),
  },
  'toy/train': {
    withSchema: { type: 'object', properties: { p: { type: 'number' }, verifier: { enum: ['oracle', 'learned'] }, epochs: { type: 'integer', minimum: 1 } }, additionalProperties: false },
    outputs: () => ({ x: { kind: 'number' }, model: { kind: 'artifact' } }),
  },
  'toy/eval': {
    withSchema: { type: 'object', properties: { score: { type: 'number', minimum: 10 }, y: { type: 'number' }, runs: { type: 'array' }, path: { type: 'string' } }, additionalProperties: false },
    outputs: () => ({ acc: { kind: 'number' } }),
  },
};
const catalog: StepCatalog = {
  lookup: (name) => (KINDS[name] ? { name, version: '1', ...KINDS[name] } : undefined),
  names: () => Object.keys(KINDS),
};

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;
const compile = (text: string): WorkflowGraph => compileWorkflow(loadWorkflow(text, 'wf.yaml'), catalog, { workflowDir: '/w', env: {} });
const names = (graph: WorkflowGraph, step?: string): string[] => graph.instances.filter((instance) => !step || instance.step.spec.id === step).map((instance) => instance.name);
const node = (graph: WorkflowGraph, name: string) => {
  const found = graph.byName.get(name);
  assert.ok(found, `no instance ${name}; have ${[...graph.byName.keys()].join(', ')}`);
  return found;
};

const SWEEP = yaml(
  'name: sweep',
  'params:',
  '  ps: [0.1, 0.3]',
  'steps:',
  '  synth:',
  '    uses: toy/synth',
  '    matrix:',
  '      p: ${{ params.ps }}',
  '    with:',
  '      p: ${{ matrix.p }}',
  '  train:',
  '    uses: toy/train',
  '    matrix:',
  '      p: [0.1, 0.3]',
  '      verifier: [oracle, learned]',
  '    with:',
  '      p: ${{ matrix.p }}',
  '      verifier: ${{ matrix.verifier }}',
  '  evaluate:',
  '    uses: toy/eval',
  '    with:',
  '      score: ${{ steps.train.outputs.x }}',
  '      y: ${{ steps.synth.outputs.y }}',
  '  report:',
  '    uses: toy/eval',
  '    with:',
  '      runs: ${{ steps.evaluate.instances }}',
);

describe('compileWorkflow: instances', () => {
  const graph = compile(SWEEP);

  it('takes a matrix axis from a params expression', () => {
    assert.deepEqual(names(graph, 'synth'), ['synth[p=0.1]', 'synth[p=0.3]']);
    assert.deepEqual(node(graph, 'synth[p=0.3]').coordinates, { p: 0.3 });
  });

  it('expands a matrix step once per combination', () => {
    assert.deepEqual(names(graph, 'train'), ['train[p=0.1,verifier=oracle]', 'train[p=0.1,verifier=learned]', 'train[p=0.3,verifier=oracle]', 'train[p=0.3,verifier=learned]']);
  });

  it('joins the steps it reads on their shared matrix keys', () => {
    assert.deepEqual(names(graph, 'evaluate'), ['evaluate[p=0.1,verifier=oracle]', 'evaluate[p=0.1,verifier=learned]', 'evaluate[p=0.3,verifier=oracle]', 'evaluate[p=0.3,verifier=learned]']);
    const evaluate = node(graph, 'evaluate[p=0.1,verifier=learned]');
    assert.deepEqual(evaluate.coordinates, { p: 0.1, verifier: 'learned' });
    // synth[p=0.1] only: never synth[p=0.3] with a p=0.1 training run.
    assert.deepEqual(evaluate.each, { train: 'train[p=0.1,verifier=learned]', synth: 'synth[p=0.1]' });
    assert.deepEqual([...evaluate.upstream].sort(), ['synth[p=0.1]', 'train[p=0.1,verifier=learned]']);
    assert.deepEqual(evaluate.step.coordinateKeys, ['p', 'verifier']);
    assert.deepEqual([...evaluate.step.dependencies], [['train', 'each'], ['synth', 'each']]);
  });

  it('collects every instance for a fan-in when nothing is shared', () => {
    assert.deepEqual(names(graph, 'report'), ['report']);
    const report = node(graph, 'report');
    assert.deepEqual(report.all, { evaluate: names(graph, 'evaluate') });
    assert.deepEqual(report.upstream, names(graph, 'evaluate'));
    assert.deepEqual(report.each, {});
    assert.deepEqual([...report.step.dependencies], [['evaluate', 'all']]);
  });

  it('lists instances in topological order, ties broken by file order', () => {
    assert.deepEqual(
      graph.steps.map((step) => step.spec.id),
      ['synth', 'train', 'evaluate', 'report'],
    );
    const position = new Map(graph.instances.map((instance, index) => [instance.name, index]));
    for (const instance of graph.instances) {
      for (const upstream of instance.upstream) assert.ok(position.get(upstream)! < position.get(instance.name)!, `${upstream} before ${instance.name}`);
    }
    assert.equal(graph.byName.size, graph.instances.length);
  });

  it('a fan-in with its own matrix collects only the compatible instances', () => {
    const fanIn = compile(
      yaml(
        'name: fan',
        'steps:',
        '  train:',
        '    uses: toy/train',
        '    matrix: { p: [0.1, 0.3], verifier: [oracle, learned] }',
        '  summary:',
        '    uses: toy/eval',
        '    matrix: { p: [0.1, 0.3] }',
        '    with: { runs: "${{ steps.train.instances }}" }',
      ),
    );
    assert.deepEqual(node(fanIn, 'summary[p=0.3]').all, { train: ['train[p=0.3,verifier=oracle]', 'train[p=0.3,verifier=learned]'] });
    assert.deepEqual(node(fanIn, 'summary[p=0.1]').upstream, ['train[p=0.1,verifier=oracle]', 'train[p=0.1,verifier=learned]']);
  });

  it('orders by needs even against file order, and needs collects every compatible instance', () => {
    const graph2 = compile(
      yaml(
        'name: needs',
        'steps:',
        '  publish:',
        '    uses: toy/eval',
        '    needs: [train, prepare]',
        '  train:',
        '    uses: toy/train',
        '    needs: prepare',
        '    matrix: { p: [1, 2] }',
        '  prepare:',
        '    uses: toy/synth',
      ),
    );
    assert.deepEqual(
      graph2.steps.map((step) => step.spec.id),
      ['prepare', 'train', 'publish'],
    );
    assert.deepEqual(names(graph2), ['prepare', 'train[p=1]', 'train[p=2]', 'publish']);
    assert.deepEqual(node(graph2, 'publish').all, { train: ['train[p=1]', 'train[p=2]'], prepare: ['prepare'] });
    assert.deepEqual(node(graph2, 'train[p=2]').upstream, ['prepare']);
  });

  it('without dependencies keeps file order', () => {
    const graph3 = compile(yaml('name: flat', 'steps:', '  c: { uses: toy/synth }', '  a: { uses: toy/synth }', '  b: { uses: toy/synth }'));
    assert.deepEqual(names(graph3), ['c', 'a', 'b']);
  });

  it('a matrix-only step (include entries) has one instance per entry', () => {
    const graph4 = compile(yaml('name: inc', 'steps:', '  t:', '    uses: toy/train', '    matrix:', '      include:', '        - { p: 1, verifier: oracle }', '        - { p: 2, verifier: learned }'));
    assert.deepEqual(names(graph4), ['t[p=1,verifier=oracle]', 't[p=2,verifier=learned]']);
  });

  it('resolves workflow.dir to the folder it was given', () => {
    const graph5 = compile(yaml('name: dirs', 'steps:', '  e:', '    uses: toy/eval', '    with: { path: "${{ workflow.dir }}/data.csv" }'));
    assert.equal(graph5.workflowDir, '/w');
    const e = node(graph5, 'e');
    const lookup = instanceLookup(graph5, e, {}, { outputs: () => ({}) });
    assert.deepEqual(evaluateTemplate(e.step.spec.with, lookup), { path: '/w/data.csv' });
    assert.equal(evaluateTemplate('${{ workflow.name }}', lookup), 'dirs');
  });
});
