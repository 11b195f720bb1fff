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

describe('replicate aggregation: sd, stderr, group', () => {
  // Two cells (p) × three replicates; hand-computed below.
  const runs = [
    { name: 'e[p=0.1,replicate=1]', matrix: { p: 0.1, replicate: 1 }, outputs: { accuracy: 0.5, label: 'a' } },
    { name: 'e[p=0.1,replicate=2]', matrix: { p: 0.1, replicate: 2 }, outputs: { accuracy: 0.7, label: 'a' } },
    { name: 'e[p=0.3,replicate=1]', matrix: { p: 0.3, replicate: 1 }, outputs: { accuracy: 0.2, label: 'b' } },
    { name: 'e[p=0.1,replicate=3]', matrix: { p: 0.1, replicate: 3 }, outputs: { accuracy: 0.9, label: 'a' } },
    { name: 'e[p=0.3,replicate=2]', matrix: { p: 0.3, replicate: 2 }, outputs: { accuracy: 0.4, label: 'b' } },
    { name: 'e[p=0.3,replicate=3]', matrix: { p: 0.3, replicate: 3 }, outputs: { accuracy: 0.3, label: 'b' } },
  ];
  const scope = { steps: { e: { instances: runs } } };
  const run = (src: string): unknown => evaluateExpression(parseExpression(src), (path) => path.reduce<unknown>((value, key) => (value as Record<string | number, unknown>)[key], scope));
  const close = (actual: unknown, expected: number): void => assert.ok(Math.abs((actual as number) - expected) < 1e-12, `${String(actual)} ≠ ${expected}`);

  it('sd is the sample standard deviation and stderr the standard error of the mean', () => {
    // [0.5, 0.7, 0.9]: mean 0.7, squared deviations 0.04 + 0 + 0.04 = 0.08, sd = √(0.08 / 2) = 0.2, stderr = 0.2 / √3.
    close(run('sd([0.5, 0.7, 0.9])'), 0.2);
    close(run('stderr([0.5, 0.7, 0.9])'), 0.2 / Math.sqrt(3));
    assert.equal(run('sd([4])'), 0, 'one value: no spread measured');
    assert.equal(run('stderr([4])'), 0);
    assert.throws(() => run('stderr([])'), /standard error of an empty list has no value/);
  });

  it('group summarises a field per distinct key, in order of first appearance, keeping the key at its path', () => {
    const groups = run("group(steps.e.instances, 'matrix.p', 'outputs.accuracy')") as Record<string, unknown>[];
    assert.deepEqual(groups.map((group) => [group.matrix, group.n, group.values]), [
      [{ p: 0.1 }, 3, [0.5, 0.7, 0.9]],
      [{ p: 0.3 }, 3, [0.2, 0.4, 0.3]],
    ]);
    close(groups[0]!.mean, 0.7);
    close(groups[0]!.sd, 0.2);
    close(groups[0]!.stderr, 0.2 / Math.sqrt(3));
    // [0.2, 0.4, 0.3]: mean 0.3, deviations² 0.01 + 0.01 + 0 = 0.02, sd = 0.1, stderr = 0.1 / √3.
    close(groups[1]!.mean, 0.3);
    close(groups[1]!.stderr, 0.1 / Math.sqrt(3));
    close(run("mean(map(filter(group(steps.e.instances, 'matrix.p', 'outputs.accuracy'), 'matrix.p', 0.3), 'mean'))"), 0.3);
    assert.deepEqual(run("map(group(steps.e.instances, ['matrix.p', 'outputs.label'], 'outputs.accuracy'), 'outputs.label')"), ['a', 'b']);
    assert.deepEqual(run("map(group(steps.e.instances, 'matrix.replicate', 'outputs.accuracy'), 'n')"), [2, 2, 2]);
  });

  it('fails with a reason on a field that is not a number or a key that would be hidden', () => {
    assert.throws(() => run("group(steps.e.instances, 'matrix.p', 'outputs.label')"), /element 0 of argument 1 of group\(\) has string at 'outputs.label', not a number/);
    assert.throws(() => run("group(steps.e.instances, 'mean', 'outputs.accuracy')"), /key 'mean' would be hidden by the group's own field "mean"/);
  });

  it('type-checks the key and value paths, and types the groups so their fields are checked downstream', () => {
    const errors = (src: string): string[] => typecheckExpression(parseExpression(src), (ref) => typeOfValue(ref.path.reduce<unknown>((value, key) => (value as Record<string | number, unknown>)[key], scope))).errors.map((error) => error.message);
    assert.deepEqual(errors("spearman(map(group(steps.e.instances, 'matrix.p', 'outputs.accuracy'), 'matrix.p'), map(group(steps.e.instances, 'matrix.p', 'outputs.accuracy'), 'mean'))"), []);
    assert.deepEqual(errors("group(steps.e.instances, 'matrix.p', 'outputs.label')"), ["group() summarises numbers, but 'outputs.label' is string"]);
    assert.match(errors("group(steps.e.instances, 'matrix.q', 'outputs.accuracy')")[0]!, /^group\(\): no field "q" in .*Did you mean "p"\?/);
    assert.match(errors("map(group(steps.e.instances, 'matrix.p', 'outputs.accuracy'), 'stdev')")[0]!, /^map\(\): no field "stdev" in .*Did you mean "stderr"\?/);
    assert.deepEqual(errors("mean(map(group(steps.e.instances, 'matrix.p', 'outputs.accuracy'), 'matrix.p'))"), []);
  });
});
