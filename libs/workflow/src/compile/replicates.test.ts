import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic, WorkflowError } from '../diagnostics/diagnostic.js';
import { evaluateTemplate } from '../expand/evaluate-template.js';
import { instanceLookup } from '../expand/instance-scope.js';
import { loadWorkflow } from '../spec/load-workflow.js';
import { compileWorkflow } from './compile-workflow.js';
import { describeReplication, summarizeReplication } from './replication-summary.js';
import type { StepCatalog, StepKindInfo } from './step-catalog.js';
import type { WorkflowGraph } from './workflow-graph.js';

// Toy step kinds: test data for the compiler, not stand-ins for real components.
const KINDS: Record<string, Omit<StepKindInfo, 'name' | 'version'>> = {
  'toy/synth': { withSchema: { type: 'object', properties: { p: { type: 'number' } }, additionalProperties: false }, outputs: () => ({ y: { kind: 'number' } }) },
  'toy/eval': { withSchema: { type: 'object', properties: { y: { type: 'number' }, runs: { type: 'array' } }, additionalProperties: false }, outputs: () => ({ acc: { kind: 'number' } }) },
};
const catalog: StepCatalog = { lookup: (name) => (KINDS[name] ? { name, version: '1', ...KINDS[name] } : undefined), names: () => Object.keys(KINDS) };

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;
const compile = (text: string): WorkflowGraph => compileWorkflow(loadWorkflow(text, 'wf.yaml'), catalog, { workflowDir: '/w', env: {} });
const names = (graph: WorkflowGraph, step: string): string[] => graph.instances.filter((instance) => instance.step.spec.id === step).map((instance) => instance.name);
function problems(text: string): string[] {
  try {
    compile(text);
  } catch (error) {
    assert.ok(error instanceof WorkflowError, String(error));
    return error.diagnostics.map(formatDiagnostic);
  }
  assert.fail('expected the workflow to be refused');
}

/** synth[p, replicate] → evaluate (inherits) → report (fan-in over every replicate). */
const workflow = (replicates: string): string =>
  yaml(
    'name: rep',
    'params: { replicates: 3, ps: [0.1, 0.3] }',
    `replicates: ${replicates}`,
    'steps:',
    '  synth:',
    '    uses: toy/synth',
    '    replicate: true',
    '    matrix: { p: "${{ params.ps }}" }',
    '    with: { p: "${{ matrix.p }}" }',
    '  evaluate:',
    '    uses: toy/eval',
    '    with: { y: "${{ steps.synth.outputs.y }}" }',
    '  report:',
    '    uses: toy/eval',
    '    with: { runs: "${{ steps.evaluate.instances }}" }',
  );

describe('replicates', () => {
  it('adds a replicate axis numbered from 1 to the marked step; readers inherit it; a fan-in sees every replicate', () => {
    const graph = compile(workflow('3'));
    assert.equal(graph.replicates, 3);
    assert.deepEqual(names(graph, 'synth'), [
      'synth[p=0.1,replicate=1]',
      'synth[p=0.1,replicate=2]',
      'synth[p=0.1,replicate=3]',
      'synth[p=0.3,replicate=1]',
      'synth[p=0.3,replicate=2]',
      'synth[p=0.3,replicate=3]',
    ]);
    assert.deepEqual(graph.byName.get('evaluate[p=0.3,replicate=2]')!.each, { synth: 'synth[p=0.3,replicate=2]' });
    assert.deepEqual(names(graph, 'report'), ['report']);
    assert.equal(graph.byName.get('report')!.all.evaluate!.length, 6);
    const lookup = instanceLookup(graph, graph.byName.get('evaluate[p=0.1,replicate=3]')!, {}, { outputs: () => ({ y: 1 }) });
    assert.equal(evaluateTemplate('${{ matrix.replicate }}', lookup), 3);
  });

  it('raising the count keeps the names of the replicates that exist (so their seeds and cache keys), adding only new ones', () => {
    const three = compile(workflow('3'));
    const five = compile(workflow('5'));
    const before = three.instances.filter((instance) => instance.step.spec.id !== 'report').map((instance) => instance.name);
    const after = new Set(five.instances.map((instance) => instance.name));
    assert.ok(before.every((name) => after.has(name)), 'every instance of 3 replicates is still there under 5');
    assert.deepEqual(names(five, 'synth').filter((name) => !before.includes(name)), ['synth[p=0.1,replicate=4]', 'synth[p=0.1,replicate=5]', 'synth[p=0.3,replicate=4]', 'synth[p=0.3,replicate=5]']);
  });

  it('reads its count from params, so presets and --set change it', () => {
    assert.deepEqual(names(compile(workflow('${{ params.replicates }}')), 'synth').length, 6);
    const one = compile(workflow('1'));
    assert.deepEqual(names(one, 'synth'), ['synth[p=0.1,replicate=1]', 'synth[p=0.3,replicate=1]'], 'one replicate still carries the coordinate');
  });

  it('summarises where replication shows, for plan and graph', () => {
    const summary = summarizeReplication(compile(workflow('3')))!;
    assert.deepEqual(summary, { count: 3, replicated: ['synth', 'evaluate'], aggregating: ['report'] });
    assert.equal(describeReplication(summary), 'replicates: 3 (replicate = 1…3) on synth, evaluate; aggregated across replicates by report');
    assert.equal(summarizeReplication(compile(workflow('3').replace('    replicate: true\n', ''))), undefined);
  });

  it('refuses a count that is not a whole number from 1 to 1000, at its position', () => {
    assert.match(problems(workflow('0'))[0]!, /^wf\.yaml:3:13: expected a number >= 1 for "replicates", found number 0\..*\[INVALID_VALUE\]$/);
    assert.deepEqual(problems(workflow('"${{ params.ps }}"')), [
      'wf.yaml:3:13: replicates must be a whole number from 1 to 1000, but its expression gives [0.1,0.3]. Make the param it reads a whole number, e.g. --set replicates=5. [INVALID_VALUE]',
    ]);
    assert.deepEqual(problems(workflow('${{ params.replicate }}')), ['wf.yaml:3:17: there is no param "replicate". Expected one of ps, replicates. Did you mean "replicates"? [UNKNOWN_PARAM]']);
    assert.match(problems(workflow('${{ steps.synth.outputs.y }}'))[0]!, /^wf\.yaml:3:17: replicates cannot depend on step outputs/);
  });

  it('refuses replicate: true on a step that already inherits the axis, and a matrix axis that clashes with it', () => {
    const twice = workflow('2').replace("    uses: toy/eval\n    with: { y:", "    uses: toy/eval\n    replicate: true\n    with: { y:");
    assert.deepEqual(problems(twice), [
      'wf.yaml:12:5: step "evaluate" already runs once per replicate: it reads a replicated step one instance at a time. Remove replicate: true here; the replicate coordinate is inherited. [MATRIX_CONFLICT]',
    ]);
    const clash = workflow('2').replace('matrix: { p: "${{ params.ps }}" }', 'matrix: { p: "${{ params.ps }}", replicate: [1, 2] }');
    assert.deepEqual(problems(clash), [`wf.yaml:8:38: matrix axis "replicate" clashes with replicate: true, which adds that axis. Drop this axis and set the workflow's replicates: instead (or rename the axis). [MATRIX_CONFLICT]`]);
  });

  it('warns when replicates is set but no step is replicated', () => {
    const graph = compile(workflow('3').replace('    replicate: true\n', ''));
    assert.deepEqual(graph.warnings.map(formatDiagnostic), ['wf.yaml:3:1: warning: replicates is set, but no step is marked replicate: true, so nothing is replicated. Add replicate: true to the steps that draw randomness (their readers inherit the axis). [UNUSED_REPLICATES]']);
  });
});
