import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkflowError } from '../diagnostics/diagnostic.js';
import { applyOverrides } from './apply-overrides.js';
import { loadWorkflow } from './load-workflow.js';

const { spec } = loadWorkflow(
  ['name: t', 'params:', '  n: 5', '  lr: 0.1', '  name: base', '  flag: false', '  sizes: [1, 2]', '  model: { depth: 3, act: relu }', '  unset: null', 'steps:', '  a: { uses: x/y }', ''].join('\n'),
  'wf.yaml',
);

/** The BAD_OVERRIDE problems of a failing call, as `file: message | hint`. */
function failures(assignments: string[]): string[] {
  try {
    applyOverrides(spec, assignments);
  } catch (error) {
    assert.ok(error instanceof WorkflowError);
    return error.diagnostics.map((d) => {
      assert.equal(d.code, 'BAD_OVERRIDE');
      return `${d.span.file}: ${d.message}${d.hint ? ` | ${d.hint}` : ''}`;
    });
  }
  assert.fail(`${assignments.join(' ')} was accepted`);
}

describe('applyOverrides', () => {
  it('returns the spec itself when there is nothing to apply', () => {
    assert.equal(applyOverrides(spec, []), spec);
  });

  it('parses values as YAML, so numbers, booleans, lists and maps keep their types', () => {
    const { params } = applyOverrides(spec, ['n=7', 'lr=1e-3', 'flag=true', 'name=other model', 'sizes=[3, 4, 5]', 'model={ depth: 4, act: tanh }']);
    assert.deepEqual(params, { n: 7, lr: 0.001, name: 'other model', flag: true, sizes: [3, 4, 5], model: { depth: 4, act: 'tanh' }, unset: null });
  });

  it('accepts the params. prefix and reaches into nested maps with dots', () => {
    const { params } = applyOverrides(spec, ['params.model.depth=10', 'model.act=gelu']);
    assert.deepEqual(params.model, { depth: 10, act: 'gelu' });
  });

  it('does not change the spec it was given', () => {
    const result = applyOverrides(spec, ['model.depth=10']);
    assert.notEqual(result, spec);
    assert.deepEqual(spec.params.model, { depth: 3, act: 'relu' });
    assert.equal(result.name, spec.name);
    assert.equal(result.steps, spec.steps);
  });

  it('a null param takes a value of any type', () => {
    assert.deepEqual(applyOverrides(spec, ['unset=[1]']).params.unset, [1]);
  });

  it('refuses text that is not valid YAML, showing how to quote it as a string', () => {
    assert.deepEqual(failures(['name={oops']), [
      `--set name={oops: "{oops" is not a valid YAML value: flow map must end with a } | Fix it, or quote it to pass it as a string: --set 'name="{oops"'`,
    ]);
    assert.deepEqual(failures(["name=[it's"]), [
      `--set name=[it's: "[it's" is not a valid YAML value: flow sequence must end with a ] | Fix it, or quote it to pass it as a string: --set 'name="[it'\\''s"'`,
    ]);
    assert.equal(applyOverrides(spec, ['name="{oops"']).params.name, '{oops');
  });

  it('refuses a value nested deeper than a workflow may be, instead of overflowing the stack', () => {
    assert.throws(() => applyOverrides(spec, [`sizes=${'['.repeat(5000)}1${']'.repeat(5000)}`]), (error: unknown) => {
      assert.ok(error instanceof WorkflowError);
      assert.equal(error.diagnostics[0]?.code, 'LIMIT');
      assert.match(error.diagnostics[0]!.message, /^the value nests more than 64 levels deep$/);
      return true;
    });
  });

  it('refuses a value of another type, saying both types', () => {
    assert.deepEqual(failures(['n=five']), ['--set n=five: params.n is a number, but "five" is a string | Give a number.']);
    assert.deepEqual(failures(['name=5']), ['--set name=5: params.name is a string, but "5" is a number | Give a string.']);
    assert.deepEqual(failures(['sizes=3']), ['--set sizes=3: params.sizes is an array, but "3" is a number | Give an array.']);
    assert.deepEqual(failures(['model.depth=']), ['--set model.depth=: params.model.depth is a number, but "" is a null | Give a number.']);
  });

  it('an unknown name suggests the closest param at that level', () => {
    assert.deepEqual(failures(['lrr=0.2']), ['--set lrr=0.2: "lrr" is not in params | expected one of flag, lr, model, n, name, sizes, unset. Did you mean "lr"?']);
    assert.deepEqual(failures(['model.dept=2']), ['--set model.dept=2: "dept" is not in params.model | expected one of act, depth. Did you mean "depth"?']);
  });

  it('names inherited from Object.prototype are not params', () => {
    assert.match(failures(['toString=1'])[0]!, /^--set toString=1: "toString" is not in params \|/);
    assert.match(failures(['model.hasOwnProperty=1'])[0]!, /"hasOwnProperty" is not in params\.model/);
    assert.match(failures(['__proto__.polluted=1'])[0]!, /"__proto__" is not in params/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('cannot reach into a value that is not a map', () => {
    assert.deepEqual(failures(['n.x=1']), ['--set n.x=1: params.n is not a map, so it has no "x"']);
    assert.deepEqual(failures(['sizes.0=1']), ['--set sizes.0=1: params.sizes is not a map, so it has no "0"']);
  });

  it('something without = is not an assignment', () => {
    assert.deepEqual(failures(['n']), ['--set n: "n" is not an assignment | Write --set NAME=VALUE, e.g. --set dim=300.']);
    assert.deepEqual(failures(['=3']), ['--set =3: "=3" is not an assignment | Write --set NAME=VALUE, e.g. --set dim=300.']);
  });

  it('reports every bad assignment together, each spanning its own text', () => {
    try {
      applyOverrides(spec, ['n=x', 'lr=0.5', 'nope=1']);
      assert.fail('accepted');
    } catch (error) {
      assert.ok(error instanceof WorkflowError);
      assert.deepEqual(
        error.diagnostics.map((d) => [d.span.file, d.span.start.col, d.span.end.col]),
        [
          ['--set n=x', 1, 4],
          ['--set nope=1', 1, 7],
        ],
      );
    }
  });
});
