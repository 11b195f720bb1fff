import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpressionEvalError } from './errors.js';
import { evaluateExpression } from './evaluate.js';
import { parseExpression } from './parser.js';
import { typecheckExpression } from './typecheck.js';
import { typeOfValue } from './types.js';

const instances = [
  { name: 'eval[v=none]', matrix: { v: 'none' }, outputs: { accuracy: 0.2, p_star: 0.5, ok: false } },
  { name: 'eval[v=oracle]', matrix: { v: 'oracle' }, outputs: { accuracy: 0.9, p_star: 1, ok: true } },
  { name: 'eval[v=random]', matrix: { v: 'random' }, outputs: { accuracy: 0.3, p_star: 0.6, ok: true } },
];
const data = { steps: { eval: { instances } } };

const lookup = (path: readonly (string | number)[]): unknown => path.reduce<unknown>((value, key) => (value as Record<string | number, unknown>)[key], data);
const ev = (src: string): unknown => evaluateExpression(parseExpression(src), lookup);
const typeErrors = (src: string): string[] => typecheckExpression(parseExpression(src), (ref) => typeOfValue(lookup(ref.path))).errors.map((error) => error.message);

describe('expression helpers for expectations', () => {
  it('map reads a field path of every element; filter keeps those equal to a value, or whose field is true', () => {
    assert.deepEqual(ev("map(steps.eval.instances, 'outputs.accuracy')"), [0.2, 0.9, 0.3]);
    assert.deepEqual(ev("map(filter(steps.eval.instances, 'matrix.v', 'oracle'), 'name')"), ['eval[v=oracle]']);
    assert.deepEqual(ev("map(filter(steps.eval.instances, 'outputs.ok'), 'matrix.v')"), ['oracle', 'random']);
  });

  it('all, any, abs, mean and spearman compute what the paper checks need', () => {
    assert.equal(ev("all(map(steps.eval.instances, 'outputs.ok'))"), false);
    assert.equal(ev("any(map(steps.eval.instances, 'outputs.ok'))"), true);
    assert.equal(ev('abs(0.25 - 0.5)'), 0.25);
    assert.ok(Math.abs((ev("mean(map(steps.eval.instances, 'outputs.accuracy'))") as number) - 1.4 / 3) < 1e-12);
    assert.equal(ev("spearman(map(steps.eval.instances, 'outputs.p_star'), map(steps.eval.instances, 'outputs.accuracy'))"), 1);
    assert.equal(ev('spearman([1, 2, 3], [3, 2, 1])'), -1);
    assert.ok(Math.abs((ev('spearman([1, 2, 2], [1, 2, 3])') as number) - Math.sqrt(3) / 2) < 1e-12, 'ties share their mean rank');
  });

  it('fails with a reason instead of producing NaN', () => {
    const failsWith = (src: string, pattern: RegExp): void => assert.throws(() => ev(src), (error: unknown) => error instanceof ExpressionEvalError && pattern.test(error.message));
    failsWith('spearman([1, 1, 1], [1, 2, 3])', /spearman\(\) is undefined: every value of argument 1 is the same/);
    failsWith('spearman([1], [2])', /at least 2 pairs, found 1/);
    failsWith('mean([])', /mean\(\) of an empty list has no value/);
    failsWith("map(steps.eval.instances, 'outputs.acc')", /element 0 of argument 1 of map\(\): at 'outputs': no field "acc"; .*Did you mean "accuracy"\?/);
    failsWith("filter(steps.eval.instances, 'matrix.v')", /whose field is true, but element 0 has string at 'matrix.v'/);
    failsWith("map(steps.eval.instances, 'outputs..x')", /empty segment/);
  });

  it('type-checks field paths against the element type, and the arguments of the numeric helpers', () => {
    assert.deepEqual(typeErrors("map(steps.eval.instances, 'outputs.accuracy')"), []);
    assert.match(typeErrors("map(steps.eval.instances, 'outputs.acuracy')")[0]!, /^map\(\): no field "acuracy" in \{ accuracy: number, p_star: number, ok: boolean \}; .*Did you mean "accuracy"\?/);
    assert.deepEqual(typeErrors("filter(steps.eval.instances, 'matrix.v', 3)"), ['filter() compares string with number, which never match']);
    assert.match(typeErrors("filter(steps.eval.instances, 'matrix.v')")[0]!, /without a value keeps elements whose field is true, but this field is string/);
    assert.deepEqual(typeErrors("mean(map(steps.eval.instances, 'matrix.v'))"), ['argument 1 of mean() must be an array of numbers, found array<string>']);
    assert.deepEqual(typeErrors("all(map(steps.eval.instances, 'outputs.accuracy'))"), ['argument 1 of all() must be an array of booleans, found array<number>']);
    assert.deepEqual(typeErrors("abs('x')"), ['argument 1 of abs() must be a number, found string']);
    assert.deepEqual(typeErrors('map(3, 0)'), ['argument 1 of map() must be an array, found number']);
  });
});
