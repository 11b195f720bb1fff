import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic, WorkflowError } from '../diagnostics/diagnostic.js';
import { applyPreset } from './apply-preset.js';
import { loadWorkflow } from './load-workflow.js';
import { resolveParams } from './resolve-params.js';

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

const WORKFLOW = yaml(
  'name: t',
  'params:',
  '  dim: 3',
  '  steps: 300',
  '  model: { depth: 2, act: relu }',
  '  tag: null',
  'presets:',
  '  cpu:',
  '    description: 2x2 matrices, about 20 minutes on 2 cores',
  '    params: { dim: 2, steps: 3000 }',
  '  gpu:',
  '    params:',
  '      dim: 5',
  '      model.depth: 12',
  '      tag: [paper]',
  '  whole-model:',
  '    params: { model: { depth: 1 } }',
  'steps:',
  '  a: { uses: x/y }',
);
const { spec } = loadWorkflow(WORKFLOW, 'wf.yaml');

/** The one-line form of every problem a failing call reports. */
function problems(body: () => unknown): string[] {
  try {
    body();
  } catch (error) {
    assert.ok(error instanceof WorkflowError, String(error));
    return error.diagnostics.map(formatDiagnostic);
  }
  assert.fail('accepted');
}
const load = (...lines: string[]) => problems(() => loadWorkflow(yaml(...lines), 'wf.yaml'));

describe('presets', () => {
  it('are read in file order with their description; none is applied on loading', () => {
    assert.deepEqual(Object.keys(spec.presets), ['cpu', 'gpu', 'whole-model']);
    assert.deepEqual(spec.presets.cpu, { name: 'cpu', description: '2x2 matrices, about 20 minutes on 2 cores', params: { dim: 2, steps: 3000 } });
    assert.equal(spec.presets.gpu!.description, '');
    assert.equal(spec.preset, undefined);
    assert.equal(spec.params.dim, 3);
    assert.deepEqual(loadWorkflow(yaml('name: t', 'steps:', '  a: { uses: x/y }'), 'wf.yaml').spec.presets, {});
  });

  it('a preset replaces the values it names and keeps the other defaults', () => {
    const chosen = applyPreset(spec, 'cpu');
    assert.deepEqual(chosen.params, { dim: 2, steps: 3000, model: { depth: 2, act: 'relu' }, tag: null });
    assert.equal(chosen.preset, 'cpu');
    assert.equal(chosen.steps, spec.steps);
  });

  it('an entry means --set NAME=VALUE: a dotted name reaches into a map, a map value replaces the map', () => {
    assert.deepEqual(applyPreset(spec, 'gpu').params, { dim: 5, steps: 300, model: { depth: 12, act: 'relu' }, tag: ['paper'] });
    assert.deepEqual(applyPreset(spec, 'whole-model').params.model, { depth: 1 });
  });

  it('does not change the spec it was given, and without a name returns it', () => {
    applyPreset(spec, 'gpu');
    assert.deepEqual(spec.params, { dim: 3, steps: 300, model: { depth: 2, act: 'relu' }, tag: null });
    assert.equal(applyPreset(spec, undefined), spec);
  });

  it('params are the defaults, then the preset, then --set', () => {
    const resolved = resolveParams(spec, { preset: 'gpu', overrides: ['steps=10', 'model.depth=4'] });
    assert.deepEqual(resolved.params, { dim: 5, steps: 10, model: { depth: 4, act: 'relu' }, tag: ['paper'] });
    assert.equal(resolved.preset, 'gpu');
    assert.deepEqual(resolveParams(spec, { overrides: ['dim=7'] }).params.dim, 7);
    assert.equal(resolveParams(spec, {}), spec);
  });

  it('--set is checked against the value the preset gave', () => {
    // tag is null by default (any type), but the gpu preset makes it a list.
    assert.deepEqual(problems(() => resolveParams(spec, { preset: 'gpu', overrides: ['tag=x'] })), [
      '--set tag=x:1:1: params.tag is an array, but "x" is a string. Give an array. [BAD_OVERRIDE]',
    ]);
  });

  it('an unknown --preset lists the presets and suggests the closest', () => {
    assert.deepEqual(problems(() => applyPreset(spec, 'gpux')), [
      '--preset gpux:1:1: "gpux" is not a preset of wf.yaml. Expected one of cpu, gpu, whole-model. Did you mean "gpu"? [UNKNOWN_PRESET]',
    ]);
    assert.deepEqual(problems(() => applyPreset(spec, 'toString')), [
      '--preset toString:1:1: "toString" is not a preset of wf.yaml. Expected one of cpu, gpu, whole-model. [UNKNOWN_PRESET]',
    ]);
    const bare = loadWorkflow(yaml('name: t', 'steps:', '  a: { uses: x/y }'), 'wf.yaml').spec;
    assert.deepEqual(problems(() => applyPreset(bare, 'cpu')), [
      '--preset cpu:1:1: "cpu" is not a preset of wf.yaml. Wf.yaml declares no presets; leave out --preset, or add them under presets:. [UNKNOWN_PRESET]',
    ]);
  });

  describe('are checked on loading, each problem at the key or value responsible', () => {
    it('a name not in params, suggesting the closest', () => {
      assert.deepEqual(load('name: t', 'params: { dim: 3, steps: 300 }', 'presets:', '  cpu:', '    params: { dimm: 2, step: 10 }', 'steps:', '  a: { uses: x/y }'), [
        'wf.yaml:5:15: preset "cpu" sets "dimm", which is not in params. Expected one of dim, steps. Did you mean "dim"? [UNKNOWN_PARAM]',
        'wf.yaml:5:24: preset "cpu" sets "step", which is not in params. Expected one of dim, steps. Did you mean "steps"? [UNKNOWN_PARAM]',
      ]);
    });

    it('a name in a workflow without params', () => {
      assert.deepEqual(load('name: t', 'presets:', '  cpu: { params: { dim: 2 } }', 'steps:', '  a: { uses: x/y }'), [
        'wf.yaml:3:20: preset "cpu" sets "dim", which is not in params. Declare it under params first: a preset only changes values that params declares. [UNKNOWN_PARAM]',
      ]);
    });

    it('dotted names that do not reach a param', () => {
      assert.deepEqual(load('name: t', 'params: { n: 1, model: { depth: 2 } }', 'presets:', '  p:', '    params:', '      model.dept: 3', '      n.x: 1', 'steps:', '  a: { uses: x/y }'), [
        'wf.yaml:6:7: preset "p" sets "model.dept", but "dept" is not in params.model. Expected one of depth. Did you mean "depth"? [UNKNOWN_PARAM]',
        'wf.yaml:7:7: preset "p" sets "n.x", but params.n is not a map, so it has no "x". Set params.n itself, or make its default a map. [UNKNOWN_PARAM]',
      ]);
    });

    it('a value whose type differs from the default, as --set refuses it', () => {
      assert.deepEqual(load('name: t', 'params: { dim: 3, sizes: [1], name: a, tag: null }', 'presets:', '  gpu:', '    params: { dim: "5", sizes: 3, name: 7, tag: { any: thing } }', 'steps:', '  a: { uses: x/y }'), [
        'wf.yaml:5:20: params.dim is a number, but preset "gpu" sets it to "5", a string. Give a number, like its default. [INVALID_VALUE]',
        'wf.yaml:5:32: params.sizes is an array, but preset "gpu" sets it to 3, a number. Give an array, like its default. [INVALID_VALUE]',
        'wf.yaml:5:41: params.name is a string, but preset "gpu" sets it to 7, a number. Give a string, like its default. [INVALID_VALUE]',
      ]);
    });

    it('every preset, not only one, and all problems at once', () => {
      assert.deepEqual(load('name: t', 'params: { dim: 3 }', 'presets:', '  a: { params: { dim: x } }', '  b: { params: { dimm: 1 } }', 'steps:', '  a: { uses: x/y }').map((line) => line.split(': ')[0]), [
        'wf.yaml:4:23',
        'wf.yaml:5:18',
      ]);
    });

    it('presets must be a map of maps, each with params', () => {
      assert.deepEqual(load('name: t', 'presets: [cpu]', 'steps:', '  a: { uses: x/y }'), [
        'wf.yaml:2:10: expected a map for "presets", found a list of 1 item. Write a map of "key: value" entries. Named configurations, chosen with --preset NAME: params are the defaults, then the preset, then --set. [INVALID_VALUE]',
      ]);
      assert.deepEqual(
        load('name: t', 'params: { dim: 3 }', 'presets:', '  cpu: 3', '  gpu:', '    parms: { dim: 4 }', '  big: { params: [dim] }', '  "two words": { params: {} }', 'steps:', '  a: { uses: x/y }'),
        [
          'wf.yaml:4:8: expected a map for "presets.cpu", found number 3. Write a map of "key: value" entries. [INVALID_VALUE]',
          'wf.yaml:5:3: missing required key "params" in "presets.gpu". Add "params:" with a value. [MISSING_KEY]',
          'wf.yaml:6:5: unknown key "parms" in "presets.gpu". Expected one of description, params. Did you mean "params"? [UNKNOWN_KEY]',
          'wf.yaml:7:18: expected a map for "presets.big.params", found a list of 1 item. Write a map of "key: value" entries. Param values, NAME: VALUE as in --set NAME=VALUE (a dotted NAME reaches into a map param). [INVALID_VALUE]',
          'wf.yaml:8:3: invalid key "two words" in "presets": expected text matching ^[A-Za-z0-9][A-Za-z0-9._-]*$. Rename the key. [INVALID_VALUE]',
        ],
      );
    });
  });
});
