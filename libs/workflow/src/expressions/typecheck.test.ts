import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectedOneOf } from '../diagnostics/suggest.js';
import { parseExpression } from './parser.js';
import type { Reference } from './references.js';
import { typecheckExpression } from './typecheck.js';
import { ANY, fieldType, formatType, typeOfValue } from './types.js';
import type { ValueType } from './types.js';

const context = typeOfValue({
  params: { n: 1, dim: 2, name: 'x', sizes: [1, 2], cfg: { lr: 0.1 }, on: true },
  matrix: { p: [1, 'auto'][0], verifier: 'v', i: 0, k: 'lr', mixed: null },
  steps: { train: { outputs: { model: 'm', scores: [0.5] } } },
});
// A matrix axis mixing numbers and strings, as `p: [1, 'auto']` would produce.
const matrixP: ValueType = { kind: 'union', options: [{ kind: 'number' }, { kind: 'string' }] };

function resolve(ref: Reference): ValueType | { error: string } {
  const [root, ...rest] = ref.path;
  if (root === 'anything') return ANY;
  if (root === 'matrix' && rest[0] === 'p' && rest.length === 1) return matrixP;
  if (root === 'params' && typeof rest[0] === 'string' && context.kind === 'object' && context.fields?.['params']?.kind === 'object') {
    const names = Object.keys(context.fields['params'].fields ?? {});
    if (!names.includes(rest[0])) return { error: `unknown param "${rest[0]}"; ${expectedOneOf(rest[0], names)}` };
  }
  let t = context;
  for (const key of ref.path) {
    const next = fieldType(t, key);
    if ('error' in next) return { error: `unknown reference: ${next.error}` };
    t = next;
  }
  return t;
}

const check = (src: string, base = 0) => typecheckExpression(parseExpression(src, base), resolve);
const typeOf = (src: string): string => {
  const result = check(src);
  assert.deepEqual(result.errors, [], `unexpected errors for ${src}`);
  return formatType(result.type);
};
const errorsOf = (src: string, base = 0) => check(src, base).errors.map((e) => [e.message, e.offset, e.length]);

describe('typecheck: result types', () => {
  it('types literals and references', () => {
    assert.equal(typeOf('1'), 'number');
    assert.equal(typeOf("'a'"), 'string');
    assert.equal(typeOf('null'), 'null');
    assert.equal(typeOf('params.sizes'), 'array<number>');
    assert.equal(typeOf('params.cfg'), '{ lr: number }');
    assert.equal(typeOf('steps.train.outputs.model'), 'string');
    assert.equal(typeOf('matrix.p'), 'number | string');
    assert.equal(typeOf("[1, 'a']"), 'array<number | string>');
  });

  it('types operators', () => {
    assert.equal(typeOf('params.n * 2 - 1 / 3 % 2'), 'number');
    assert.equal(typeOf('-params.n'), 'number');
    assert.equal(typeOf("params.name + 'x'"), 'string');
    assert.equal(typeOf('params.n + 1'), 'number');
    assert.equal(typeOf("params.n > 100 && matrix.verifier != 'random'"), 'boolean');
    assert.equal(typeOf("'a' < 'b' || !params.on"), 'boolean');
    assert.equal(typeOf('params.sizes == null'), 'boolean');
    assert.equal(typeOf("params.on ? 1 : 'x'"), 'number | string');
    assert.equal(typeOf('params.on ? 1 : 2'), 'number');
  });

  it('lets any through everywhere', () => {
    assert.equal(typeOf('anything + 1'), 'number');
    assert.equal(typeOf("anything + 'a'"), 'string');
    assert.equal(typeOf('anything + anything'), 'any');
    assert.equal(typeOf('anything && !anything'), 'boolean');
    assert.equal(typeOf('anything.x[0]'), 'any');
    assert.equal(typeOf('round(anything) + len(anything)'), 'number');
  });

  it('types dynamic indexing', () => {
    assert.equal(typeOf('params.sizes[matrix.i]'), 'number');
    assert.equal(typeOf('params.cfg[matrix.k]'), 'number');
    assert.equal(typeOf('params.sizes[anything]'), 'number');
    assert.equal(typeOf("fromJSON(anything)['a']"), 'any');
    assert.equal(typeOf('[1, 2][0]'), 'number');
  });

  it('types every function', () => {
    assert.equal(typeOf("format('{0}-{1}', params.n, params.sizes)"), 'string');
    assert.equal(typeOf("contains(params.sizes, 1) && contains(params.name, 'x')"), 'boolean');
    assert.equal(typeOf("startsWith(params.name, 'a') || endsWith(params.name, 'b')"), 'boolean');
    assert.equal(typeOf("join(params.sizes, ', ')"), 'string');
    assert.equal(typeOf('join(params.sizes)'), 'string');
    assert.equal(typeOf('toJSON(params.cfg)'), 'string');
    assert.equal(typeOf('fromJSON(params.name)'), 'any');
    assert.equal(typeOf(`fromJSON('{"a": [1]}')`), '{ a: array<number> }');
    assert.equal(typeOf('len(params.sizes) + len(params.name) + len(params.cfg)'), 'number');
    assert.equal(typeOf('min(1, params.n) + max(steps.train.outputs.scores)'), 'number');
    assert.equal(typeOf('round(params.n, 2)'), 'number');
    assert.equal(typeOf('str(params.sizes)'), 'string');
    assert.equal(typeOf("num('3') + num(matrix.p) + num(true)"), 'number');
  });
});

describe('typecheck: errors', () => {
  it('reports unresolved references with the resolver message at the reference', () => {
    assert.deepEqual(errorsOf(' params.dimm * 2', 10), [
      ['unknown param "dimm"; expected one of cfg, dim, n, name, on, sizes. Did you mean "dim"?', 11, 11],
    ]);
  });

  it('reports arithmetic on non-numbers at the operand', () => {
    assert.deepEqual(errorsOf("params.n * 'a'"), [['right side of "*" must be a number, found string', 11, 3]]);
    assert.deepEqual(errorsOf('-params.name'), [['operand of "-" must be a number, found string', 1, 11]]);
    assert.deepEqual(errorsOf('matrix.p % 2'), [['left side of "%" must be a number, found number | string', 0, 8]]);
  });

  it('reports every error, not only the first', () => {
    assert.deepEqual(errorsOf("'a' - true + params.nn"), [
      ['left side of "-" must be a number, found string', 0, 3],
      ['right side of "-" must be a number, found boolean', 6, 4],
      ['unknown param "nn"; expected one of cfg, dim, n, name, on, sizes. Did you mean "n"?', 13, 9],
    ]);
  });

  it('refuses to mix strings and numbers in +', () => {
    assert.deepEqual(errorsOf('(params.name + params.n) * 2'), [["cannot add string and number; use format('{0}{1}', a, b)", 1, 22]]);
    assert.deepEqual(errorsOf('params.on + 1'), [['left side of "+" must be a number or a string, found boolean', 0, 9]]);
    assert.deepEqual(errorsOf('matrix.p + 1'), [['left side of "+" may be number | string; convert it with num() or str() first', 0, 8]]);
  });

  it('checks ordering comparisons', () => {
    assert.deepEqual(errorsOf("params.n < 'a'"), [['cannot compare number and string with "<"; convert one side with num() or str()', 0, 14]]);
    assert.deepEqual(errorsOf('params.sizes >= 1'), [['left side of ">=" must be a number or a string, found array<number>', 0, 12]]);
    assert.deepEqual(errorsOf('1 < 2 < 3'), [['left side of "<" must be a number or a string, found boolean', 0, 5]]);
  });

  it('requires booleans for !, &&, || and ?', () => {
    assert.deepEqual(errorsOf('!params.n'), [['operand of "!" must be a boolean, found number', 1, 8]]);
    assert.deepEqual(errorsOf("params.n && 'x' || params.on"), [
      ['left side of "&&" must be a boolean, found number', 0, 8],
      ['right side of "&&" must be a boolean, found string', 12, 3],
    ]);
    assert.deepEqual(errorsOf('params.name ? 1 : 2'), [['condition of "?" must be a boolean, found string', 0, 11]]);
    assert.deepEqual(errorsOf('null || params.on'), [['left side of "||" must be a boolean, found null', 0, 4]]);
  });

  it('accepts == and != between any types', () => {
    assert.deepEqual(errorsOf("params.n == 'a' && params.sizes != null"), []);
  });

  it('checks function arguments at the argument', () => {
    assert.deepEqual(errorsOf("round('1.5')"), [['argument 1 of round() must be a number, found string', 6, 5]]);
    assert.deepEqual(errorsOf('round(1, params.name)'), [['argument 2 of round() must be a number, found string', 9, 11]]);
    assert.deepEqual(errorsOf('startsWith(params.n, 1)'), [
      ['argument 1 of startsWith() must be a string, found number', 11, 8],
      ['argument 2 of startsWith() must be a string, found number', 21, 1],
    ]);
    assert.deepEqual(errorsOf("endsWith('a', null)"), [['argument 2 of endsWith() must be a string, found null', 14, 4]]);
    assert.deepEqual(errorsOf("join('abc', 1)"), [
      ['argument 1 of join() must be an array, found string', 5, 5],
      ['argument 2 of join() must be a string, found number', 12, 1],
    ]);
    assert.deepEqual(errorsOf('len(1)'), [['argument 1 of len() must be a string, an array or an object, found number', 4, 1]]);
    assert.deepEqual(errorsOf("min(1, 'a')"), [['argument 2 of min() must be a number, found string', 7, 3]]);
    assert.deepEqual(errorsOf("max(['a'])"), [['argument 1 of max() must be an array of numbers, found array<string>', 4, 5]]);
    assert.deepEqual(errorsOf('num(params.sizes)'), [['argument 1 of num() must be a number, a string or a boolean, found array<number>', 4, 12]]);
    assert.deepEqual(errorsOf('fromJSON(1)'), [['argument 1 of fromJSON() must be a string, found number', 9, 1]]);
  });

  it('checks contains() by the container type', () => {
    assert.deepEqual(errorsOf('contains(1, 1)'), [['argument 1 of contains() must be an array or a string, found number', 9, 1]]);
    assert.deepEqual(errorsOf('contains(params.name, 1)'), [['argument 2 of contains() must be a string when searching in a string, found number', 22, 1]]);
    assert.deepEqual(errorsOf("contains(params.sizes, 'a')"), [["contains() can never find string in array<number>", 23, 3]]);
    assert.deepEqual(errorsOf('contains(params.sizes, matrix.p)'), []);
  });

  it('checks literal format strings', () => {
    assert.deepEqual(errorsOf("format('{0}-{2}', 1, 2)"), [['format string uses {2} but only 2 argument(s) follow it', 7, 9]]);
    assert.deepEqual(errorsOf("format('{x}', 1)"), [
      ['invalid placeholder at position 0 of the format string; use {0}, {1}, ... or "{{" for a literal "{"', 7, 5],
    ]);
    assert.deepEqual(errorsOf("format('a}b')"), [['unmatched "}" at position 1 of the format string; write "}}" for a literal "}"', 7, 5]]);
    assert.deepEqual(errorsOf("format('{{0}}')"), []);
    assert.deepEqual(errorsOf('format(params.n)'), [['argument 1 of format() must be a string, found number', 7, 8]]);
  });

  it('checks literal JSON', () => {
    const [error] = errorsOf("fromJSON('{')");
    assert.ok(String(error?.[0]).startsWith('argument 1 of fromJSON() is not valid JSON: '));
    assert.deepEqual(error?.slice(1), [9, 3]);
  });

  it('checks fields read from computed values', () => {
    assert.deepEqual(errorsOf('params.sizes[matrix.i].x'), [['cannot read field "x" of number', 0, 24]]);
    assert.deepEqual(errorsOf("fromJSON('[1]').length"), [['cannot read field "length" of array<number>; use len(x) for the length', 0, 22]]);
    assert.deepEqual(errorsOf('params.sizes[params.on]'), [['an index must be a number or a string, found boolean', 13, 9]]);
    assert.deepEqual(errorsOf('params.cfg[matrix.i]'), [['cannot index { lr: number } with a number; use a field name', 0, 20]]);
    assert.deepEqual(errorsOf('params.on[matrix.k]'), [['cannot index boolean', 0, 19]]);
  });

  it('refuses prototype access without calling the resolver', () => {
    let called = false;
    const result = typecheckExpression(parseExpression("params.__proto__ == anything['constructor']"), () => {
      called = true;
      return ANY;
    });
    assert.deepEqual(
      result.errors.map((e) => [e.message, e.offset, e.length]),
      [['access to "__proto__" is not allowed', 0, 16], ['access to "constructor" is not allowed', 20, 23]],
    );
    assert.equal(called, false);
    assert.deepEqual(errorsOf("fromJSON('{}').prototype"), [['access to "prototype" is not allowed', 0, 24]]);
  });

  it('does not cascade: an erroneous sub-expression counts as any afterwards', () => {
    assert.deepEqual(errorsOf('len(params.nope) > 1 && params.nope'), [
      ['unknown param "nope"; expected one of cfg, dim, n, name, on, sizes. Did you mean "name"?', 4, 11],
      ['unknown param "nope"; expected one of cfg, dim, n, name, on, sizes. Did you mean "name"?', 24, 11],
    ]);
  });
});
