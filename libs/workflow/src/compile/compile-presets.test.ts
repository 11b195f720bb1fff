import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic, WorkflowError } from '../diagnostics/diagnostic.js';
import { loadWorkflow } from '../spec/load-workflow.js';
import { compileEveryPreset } from './compile-presets.js';
import type { StepCatalog } from './step-catalog.js';

// A toy step kind: test data for the compiler, not a stand-in for a real component.
const catalog: StepCatalog = {
  lookup: (name) =>
    name === 'toy/train'
      ? { name, version: '1', withSchema: { type: 'object', properties: { dim: { type: 'integer', minimum: 1 }, p: { type: 'number' } }, additionalProperties: false }, outputs: () => ({ loss: { kind: 'number' } }) }
      : undefined,
  names: () => ['toy/train'],
};

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;
const workflow = (...presets: string[]): string =>
  yaml('name: t', 'params: { dim: 3, ps: [0.1, 0.2] }', 'presets:', ...presets, 'steps:', '  train:', '    uses: toy/train', '    matrix: { p: "${{ params.ps }}" }', '    with: { dim: "${{ params.dim }}", p: "${{ matrix.p }}" }');

function problems(text: string, overrides: string[] = []): string[] {
  try {
    compileEveryPreset(loadWorkflow(text, 'wf.yaml'), catalog, overrides, { workflowDir: '/w', env: {} });
  } catch (error) {
    assert.ok(error instanceof WorkflowError, String(error));
    return error.diagnostics.map(formatDiagnostic);
  }
  assert.fail('accepted');
}

describe('compileEveryPreset', () => {
  it('compiles the defaults and every preset, each with the --set overrides after it', () => {
    const loaded = loadWorkflow(workflow('  one: { params: { ps: [0.5] } }', '  three: { params: { ps: [1, 2, 3], dim: 8 } }'), 'wf.yaml');
    const graphs = compileEveryPreset(loaded, catalog, ['dim=4'], { workflowDir: '/w', env: {} });
    assert.equal(graphs.defaults.instances.length, 2);
    assert.equal(graphs.defaults.spec.preset, undefined);
    assert.deepEqual([...graphs.presets.keys()], ['one', 'three']);
    assert.deepEqual(graphs.presets.get('one')!.instances.map((i) => i.name), ['train[p=0.5]']);
    assert.equal(graphs.presets.get('three')!.instances.length, 3);
    assert.equal(graphs.presets.get('three')!.spec.preset, 'three');
    assert.equal(graphs.presets.get('three')!.spec.params.dim, 4);
  });

  it('reports a problem only some presets cause once, naming them', () => {
    assert.deepEqual(problems(workflow('  ok: { params: { dim: 2 } }', '  zero: { params: { dim: 0 } }', '  none: { params: { ps: [] } }', '  empty: { params: { ps: [] } }')), [
      'wf.yaml:11:18: with presets "none" and "empty": matrix axis "p" must be a non-empty list, but its expression gives []. Make the param a list with at least one value. [EMPTY_MATRIX]',
      'wf.yaml:12:18: with preset "zero": expected a number >= 1 for "dim" in toy/train input, found number 0 (in all 2 instances, e.g. train[p=0.1]). Change it to a number >= 1. [WITH_SCHEMA]',
      'wf.yaml:12:47: with presets "none" and "empty": this step has no matrix key "p". The step has no matrix, and none is inherited from the steps it reads. [UNKNOWN_MATRIX_KEY]',
    ]);
  });

  it('a problem of the defaults is theirs, even where a preset words it differently', () => {
    // dim=0 breaks every variant; "wide" has another instance count, so its message differs.
    assert.deepEqual(problems(workflow('  wide: { params: { ps: [1, 2, 3] } }'), ['dim=0']), [
      'wf.yaml:9:18: expected a number >= 1 for "dim" in toy/train input, found number 0 (in all 2 instances, e.g. train[p=0.1]). Change it to a number >= 1. [WITH_SCHEMA]',
    ]);
  });

  it('a bad --set is reported once', () => {
    assert.deepEqual(problems(workflow('  one: { params: { ps: [0.5] } }'), ['dimm=1']), [
      '--set dimm=1:1:1: "dimm" is not in params. Expected one of dim, ps. Did you mean "dim"? [BAD_OVERRIDE]',
    ]);
  });
});
