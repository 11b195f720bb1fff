import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowError } from '../diagnostics/diagnostic.js';
import { loadWorkflow } from '../spec/load-workflow.js';
import { compileWorkflow } from './compile-workflow.js';
import type { StepCatalog } from './step-catalog.js';
import { describeUntaken } from './untaken-summary.js';
import type { WorkflowGraph } from './workflow-graph.js';

// Toy step kinds: test data for the compiler, not stand-ins for real components.
const catalog: StepCatalog = {
  lookup: (name) =>
    name === 'toy/make'
      ? { name, version: '1', withSchema: { type: 'object' }, outputs: () => ({ x: { kind: 'number' }, ok: { kind: 'boolean' } }) }
      : name === 'toy/use'
        ? { name, version: '1', withSchema: { type: 'object' }, outputs: () => ({ y: { kind: 'number' } }) }
        : undefined,
  names: () => ['toy/make', 'toy/use'],
};

const compile = (lines: string[], params = 'params: { llm: false }'): WorkflowGraph =>
  compileWorkflow(loadWorkflow(`name: branches\n${params}\n${lines.join('\n')}\n`, 'wf.yaml'), catalog, { workflowDir: '/w', env: {} });

const CHOICE = [
  'steps:',
  '  llm: { uses: toy/make, matrix: { size: [7, 13] }, if: "${{ params.llm }}" }',
  '  embedded: { uses: toy/make, if: "${{ !params.llm }}" }',
  '  pick:',
  '    uses: toy/use',
  '    with: { x: "${{ params.llm ? steps.llm.outputs.x : steps.embedded.outputs.x }}" }',
];

describe('references in branches not taken', () => {
  it('add no dependency when params decide the branch, so the reader neither waits for nor inherits the untaken step', () => {
    const graph = compile(CHOICE);
    const pick = graph.byName.get('pick')!;
    assert.deepEqual([...pick.step.dependencies], [['embedded', 'each']]);
    assert.deepEqual(pick.upstream, ['embedded']);
    assert.deepEqual(pick.step.coordinateKeys, [], 'the matrix of the untaken llm step is not inherited');
    assert.deepEqual(graph.untaken, [{ step: 'pick', upstream: 'llm', condition: 'params.llm', value: false }]);
    assert.deepEqual(describeUntaken(graph), [
      'untaken branches (known before the run, so no dependency and no skip):',
      '  pick does not depend on llm: it reads steps.llm only in a branch not taken (params.llm is false)',
    ]);
  });

  it('follow the other branch when the params change', () => {
    const graph = compile(CHOICE, 'params: { llm: true }');
    assert.deepEqual([...graph.byName.get('pick[size=7]')!.step.dependencies], [['llm', 'each']]);
    assert.deepEqual(graph.untaken.map((branch) => `${branch.upstream}: ${branch.condition} is ${branch.value}`), ['embedded: params.llm is true']);
  });

  it('drop the edge per instance when matrix values decide the branch', () => {
    const graph = compile([
      'steps:',
      '  gpu_train: { uses: toy/make }',
      '  cpu_train: { uses: toy/make }',
      '  evaluate:',
      '    uses: toy/use',
      '    matrix: { device: [cpu, gpu] }',
      "    with: { x: \"${{ matrix.device == 'gpu' ? steps.gpu_train.outputs.x : steps.cpu_train.outputs.x }}\" }",
    ]);
    assert.deepEqual(graph.byName.get('evaluate[device=cpu]')!.upstream, ['cpu_train']);
    assert.deepEqual(graph.byName.get('evaluate[device=gpu]')!.upstream, ['gpu_train']);
    assert.deepEqual(graph.byName.get('evaluate[device=gpu]')!.each, { gpu_train: 'gpu_train' });
    assert.deepEqual(describeUntaken(graph).slice(1), [
      "  evaluate[device=cpu] does not depend on gpu_train: it reads steps.gpu_train only in a branch not taken (matrix.device == 'gpu' is false)",
      "  evaluate[device=gpu] does not depend on cpu_train: it reads steps.cpu_train only in a branch not taken (matrix.device == 'gpu' is true)",
    ]);
  });

  it('short-circuit && in an if, and keep an edge still needed elsewhere or named in needs', () => {
    const graph = compile([
      'steps:',
      '  check: { uses: toy/make }',
      '  other: { uses: toy/make }',
      '  gated:',
      '    uses: toy/use',
      '    needs: [other]',
      '    if: "${{ params.llm && steps.check.outputs.ok && steps.other.outputs.ok }}"',
    ]);
    assert.deepEqual([...graph.byName.get('gated')!.step.dependencies], [['other', 'all']], 'other: ruled out in the if, kept by needs');
    assert.deepEqual(graph.untaken.map((branch) => `${branch.upstream}: ${branch.condition} is ${branch.value}`), ['check: params.llm is false']);
  });

  it('keep today\'s edges when the condition reads step outputs', () => {
    const graph = compile(['steps:', '  a: { uses: toy/make }', '  b: { uses: toy/make }', '  c:', '    uses: toy/use', '    with: { x: "${{ steps.a.outputs.ok ? steps.a.outputs.x : steps.b.outputs.x }}" }']);
    assert.deepEqual(graph.byName.get('c')!.upstream, ['a', 'b']);
    assert.deepEqual(graph.untaken, []);
  });

  it('are still checked: a typo in the untaken branch is an error at its position', () => {
    assert.throws(
      () => compile(['steps:', '  embedded: { uses: toy/make }', '  pick:', '    uses: toy/use', '    with: { x: "${{ params.llm ? steps.lm.outputs.x : steps.embedded.outputs.x }}" }']),
      (error: unknown) => error instanceof WorkflowError && error.diagnostics.some((d) => d.code === 'UNKNOWN_STEP' && d.span.start.line === 7 && d.message.includes('"lm"')),
    );
  });
});
