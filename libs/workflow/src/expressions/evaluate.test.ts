import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpressionEvalError } from './errors.js';
import { evaluateExpression } from './evaluate.js';
import { parseExpression } from './parser.js';
import type { PathSegment } from './references.js';

const data: Record<string, unknown> = {
  params: { n: 150, name: 'bert', sizes: [8, 16, 32], cfg: { lr: 0.01, tags: ['a', 'b'] }, on: true, none: null },
  matrix: { p: 2, verifier: 'exact', i: 1, k: 'lr' },
  steps: { 'train-big': { outputs: { model: 'model.bin' } } },
};

/** Naive on purpose: it trusts the path, so the evaluator must filter dangerous keys before calling it. */
function lookup(path: PathSegment[]): unknown {
  let value: unknown = data;
  for (const key of path) value = (value as Record<string | number, unknown>)[key];
  return value;
}

const ev = (src: string): unknown => evaluateExpression(parseExpression(src), lookup);

function evalError(src: string, message: string, offset: number, length: number): void {
  assert.throws(
    () => ev(src),
    (error: unknown) => {
      assert.ok(error instanceof ExpressionEvalError, `expected ExpressionEvalError, got ${String(error)}`);
      assert.deepEqual({ message: error.message, offset: error.offset, length: error.length }, { message, offset, length });
      return true;
    },
  );
}

describe('evaluate: values', () => {
  it('evaluates literals and arrays', () => {
    assert.equal(ev('1e-3'), 0.001);
    assert.equal(ev("'it''s'"), "it's");
    assert.equal(ev('null'), null);
    assert.deepEqual(ev("[1, 'a', [true]]"), [1, 'a', [true]]);
  });

  it('calls lookup with the longest static path', () => {
    const seen: PathSegment[][] = [];
    const result = evaluateExpression(parseExpression("steps['train-big'].outputs.model"), (path) => {
      seen.push(path);
      return lookup(path);
    });
    assert.equal(result, 'model.bin');
    assert.deepEqual(seen, [['steps', 'train-big', 'outputs', 'model']]);
  });

  it('applies dynamic indexes and fields after the lookup', () => {
    const seen: PathSegment[][] = [];
    const result = evaluateExpression(parseExpression('params.cfg[matrix.k] * params.sizes[matrix.i]'), (path) => {
      seen.push(path);
      return lookup(path);
    });
    assert.equal(result, 0.16);
    assert.deepEqual(seen, [['params', 'cfg'], ['matrix', 'k'], ['params', 'sizes'], ['matrix', 'i']]);
    assert.equal(ev("fromJSON('{\"a\": [5, 6]}').a[1]"), 6);
    assert.equal(ev('[10, 20][1]'), 20);
  });
});

describe('evaluate: operators', () => {
  it('does arithmetic with precedence', () => {
    assert.equal(ev('1 + 2 * 3'), 7);
    assert.equal(ev('(1 + 2) * 3'), 9);
    assert.equal(ev('10 - 4 - 3'), 3);
    assert.equal(ev('7 / 2'), 3.5);
    assert.equal(ev('7 % 3'), 1);
    assert.equal(ev('-params.n + 1'), -149);
    assert.equal(ev('- -2'), 2);
  });

  it('concatenates strings with +', () => {
    assert.equal(ev("params.name + '-' + matrix.verifier"), 'bert-exact');
  });

  it('compares numbers and strings', () => {
    assert.deepEqual(['1 < 2', '2 <= 2', '3 > 2', '2 >= 3', "'a' < 'b'", "'b' <= 'a'"].map(ev), [true, true, true, false, true, false]);
  });

  it('tests equality structurally and without coercion', () => {
    assert.equal(ev("1 == '1'"), false);
    assert.equal(ev('1 != 2'), true);
    assert.equal(ev('null == params.none'), true);
    assert.equal(ev('params.sizes == [8, 16, 32]'), true);
    assert.equal(ev('params.sizes == [8, 16]'), false);
    assert.equal(ev("params.cfg == fromJSON('{\"tags\": [\"a\", \"b\"], \"lr\": 0.01}')"), true);
    assert.equal(ev("params.cfg != fromJSON('{\"lr\": 0.01}')"), true);
    assert.equal(ev("[1] == fromJSON('{\"0\": 1}')"), false);
  });

  it('evaluates logic with short-circuiting', () => {
    assert.equal(ev("params.n > 100 && matrix.verifier != 'random'"), true);
    assert.equal(ev('!params.on'), false);
    assert.equal(ev('false && params.n'), false);
    assert.equal(ev('true || params.n'), true);
    assert.equal(ev('false || true'), true);
  });

  it('evaluates only the chosen ternary branch', () => {
    assert.equal(ev("params.on ? 'yes' : 1 / 0"), 'yes');
    assert.equal(ev('false ? 1 : true ? 2 : 3'), 2);
  });
});

describe('evaluate: functions', () => {
  it('format', () => {
    assert.equal(ev("format('{0}-{1}-{0}', params.name, matrix.p)"), 'bert-2-bert');
    assert.equal(ev("format('{{{0}}} }}{{', 1)"), '{1} }{');
    assert.equal(ev("format('{0}|{1}|{2}', null, params.sizes, true)"), '|[8,16,32]|true');
    assert.equal(ev("format('plain')"), 'plain');
  });

  it('contains, startsWith, endsWith', () => {
    assert.equal(ev('contains(params.sizes, 16)'), true);
    assert.equal(ev("contains(params.sizes, '16')"), false);
    assert.equal(ev('contains([[1], [2]], [2])'), true);
    assert.equal(ev("contains(params.name, 'er')"), true);
    assert.equal(ev("startsWith(params.name, 'be') && endsWith(params.name, 'rt')"), true);
    assert.equal(ev("startsWith(params.name, 'B')"), false);
  });

  it('join', () => {
    assert.equal(ev('join(params.sizes)'), '8,16,32');
    assert.equal(ev("join(params.sizes, ' x ')"), '8 x 16 x 32');
    assert.equal(ev("join(['a', null, [1]], '/')"), 'a//[1]');
  });

  it('toJSON and fromJSON', () => {
    assert.equal(ev('toJSON(params.cfg)'), '{"lr":0.01,"tags":["a","b"]}');
    assert.equal(ev("toJSON('a')"), '"a"');
    assert.deepEqual(ev("fromJSON('[1, {\"b\": null}]')"), [1, { b: null }]);
  });

  it('len', () => {
    assert.deepEqual(['len(params.sizes)', 'len(params.name)', 'len(params.cfg)', "len('')"].map(ev), [3, 4, 2, 0]);
  });

  it('min and max, variadic or over one array', () => {
    assert.equal(ev('min(3, 1, 2)'), 1);
    assert.equal(ev('max(3, 1, 2)'), 3);
    assert.equal(ev('max(params.sizes)'), 32);
    assert.equal(ev('min(5)'), 5);
  });

  it('round, half away from zero', () => {
    assert.deepEqual(['round(2.5)', 'round(-2.5)', 'round(1.005, 2)', 'round(3.14159, 3)', 'round(1234, -2)', 'round(0.4)'].map(ev), [
      3, -3, 1.01, 3.142, 1200, 0,
    ]);
    assert.ok(Object.is(ev('round(-0.4)'), 0));
  });

  it('str and num', () => {
    assert.deepEqual(["str(1.5)", 'str(null)', 'str(true)', 'str(params.sizes)', "str('s')"].map(ev), ['1.5', '', 'true', '[8,16,32]', 's']);
    assert.deepEqual(["num(' 42 ')", "num('-1.5e2')", 'num(true)', 'num(false)', 'num(7)', "num('.5')"].map(ev), [42, -150, 1, 0, 7, 0.5]);
  });
});

describe('evaluate: runtime errors', () => {
  it('rejects wrong operand types at the operand', () => {
    evalError("params.n * 'a'", 'right side of "*" must be a number, found string', 11, 3);
    evalError('-params.name', 'operand of "-" must be a number, found string', 1, 11);
    evalError('!params.n', 'operand of "!" must be a boolean, found number', 1, 8);
    evalError('params.n && true', 'left side of "&&" must be a boolean, found number', 0, 8);
    evalError('false || 1', 'right side of "||" must be a boolean, found number', 9, 1);
    evalError('null ? 1 : 2', 'condition of "?" must be a boolean, found null', 0, 4);
  });

  it('rejects mixed + and comparisons over the whole operation', () => {
    evalError("params.name + params.n", "cannot add string and number; use format('{0}{1}', a, b)", 0, 22);
    evalError("1 < 'a'", 'cannot compare number and string with "<"; both sides must be numbers or both strings', 0, 7);
    evalError('true + true', "cannot add boolean and boolean; use format('{0}{1}', a, b)", 0, 11);
  });

  it('rejects division by zero and non-finite results', () => {
    // Parentheses are not nodes, so the span is the inner expression.
    evalError('1 / (2 - 2)', 'division by zero in "/"', 5, 5);
    evalError('1 % 0', 'division by zero in "%"', 4, 1);
    evalError('1e308 * 10', 'the result is too large to represent as a number', 0, 10);
  });

  it('rejects bad indexes and fields', () => {
    evalError('params.sizes[matrix.p + 5]', 'index 7 is out of range for an array of length 3', 13, 12);
    evalError('params.sizes[matrix.k]', 'cannot read field "lr" of an array; index it with a number', 13, 8);
    evalError("params.cfg[matrix.k + 'x']", 'no field "lrx"; expected one of lr, tags. Did you mean "lr"?', 11, 14);
    evalError("fromJSON('null').x", 'cannot read field "x" of null', 0, 18);
    evalError("fromJSON('[1]').length", 'cannot read field "length" of an array; index it with a number; use len(x) for the length', 0, 22);
    evalError("params.cfg[matrix.i]", 'cannot index an object with number 1; use a field name', 11, 8);
  });

  it('reports missing and failing lookups at the reference', () => {
    evalError('1 + params.missing', '"params.missing" has no value', 4, 14);
    assert.throws(
      () => evaluateExpression(parseExpression('  x.y'), () => {
        throw new Error('unknown root "x"');
      }),
      (error: unknown) => error instanceof ExpressionEvalError && error.message === 'unknown root "x"' && error.offset === 2 && error.length === 3,
    );
  });

  it('reports function failures at the argument', () => {
    evalError("round('1')", 'argument 1 of round() must be a number, found string', 6, 3);
    evalError('round(1, 0.5)', 'argument 2 of round() must be a whole number between -15 and 15, found 0.5', 9, 3);
    evalError("num('abc')", 'cannot convert the string "abc" to a number', 4, 5);
    evalError("num('0x10')", 'cannot convert the string "0x10" to a number', 4, 6);
    evalError("num('')", 'cannot convert the string "" to a number', 4, 2);
    evalError('num(null)', 'cannot convert null to a number', 4, 4);
    evalError("min(1, 'a')", 'argument 2 of min() must be a number, found string', 7, 3);
    evalError("max(fromJSON('[]'))", 'max() of an empty array has no value', 4, 14);
    evalError("max(fromJSON('[1, true]'))", 'element 1 of argument 1 of max() must be a number, found boolean', 4, 21);
    evalError("format('{1}', 1)", 'format string uses {1} but only 1 argument(s) follow it', 7, 5);
    evalError("format('{', 1)", 'invalid placeholder at position 0 of the format string; use {0}, {1}, ... or "{{" for a literal "{"', 7, 3);
    evalError("contains(1, 1)", 'argument 1 of contains() must be an array or a string, found number', 9, 1);
    evalError("contains('abc', 1)", 'argument 2 of contains() must be a string, found number', 16, 1);
    evalError('len(1)', 'argument 1 of len() must be a string, an array or an object, found number', 4, 1);
    evalError("join('a')", 'argument 1 of join() must be an array, found string', 5, 3);
    evalError("startsWith(1, 'a')", 'argument 1 of startsWith() must be a string, found number', 11, 1);
    assert.throws(() => ev("fromJSON('{')"), (e: unknown) => e instanceof ExpressionEvalError && e.message.startsWith('argument 1 of fromJSON() is not valid JSON: ') && e.offset === 9);
  });
});

describe('evaluate: prototype access', () => {
  it('refuses dangerous static paths before calling lookup', () => {
    for (const src of ['params.__proto__', "params['constructor']", 'params.cfg.constructor.prototype', 'constructor']) {
      let called = false;
      assert.throws(
        () =>
          evaluateExpression(parseExpression(src), () => {
            called = true;
            return {};
          }),
        (e: unknown) => e instanceof ExpressionEvalError && /^access to "(__proto__|constructor|prototype)" is not allowed$/.test(e.message),
        src,
      );
      assert.equal(called, false, src);
    }
  });

  it('refuses dangerous computed keys', () => {
    evalError("params.cfg['__pro' + 'to__']", 'access to "__proto__" is not allowed', 11, 16);
    evalError("fromJSON('{}').constructor", 'access to "constructor" is not allowed', 0, 26);
    // JSON.parse makes "__proto__" an own key; it is refused all the same.
    evalError(`fromJSON('{"__proto__": 1}')['__pro' + 'to__']`, 'access to "__proto__" is not allowed', 29, 16);
  });

  it('does not expose inherited properties', () => {
    evalError("params.cfg[str('toString')]", 'no field "toString"; expected one of lr, tags', 11, 15);
    evalError('params.name[matrix.i]', 'cannot read field 1 of string', 12, 8);
    evalError("params.sizes[str('length')]", 'cannot read field "length" of an array; index it with a number; use len(x) for the length', 13, 13);
  });
});
