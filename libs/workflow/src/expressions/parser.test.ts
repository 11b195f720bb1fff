import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Expr } from './ast.js';
import { ExpressionSyntaxError } from './errors.js';
import { tokenize } from './lexer.js';
import { parseExpression } from './parser.js';

/** Fully parenthesised form, so precedence and associativity are visible at a glance. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return typeof e.value === 'string' ? `'${e.value}'` : String(e.value);
    case 'identifier':
      return e.name;
    case 'array':
      return `[${e.elements.map(show).join(', ')}]`;
    case 'member':
      return `${show(e.object)}.${e.name}`;
    case 'index':
      return `${show(e.object)}[${show(e.index)}]`;
    case 'unary':
      return `(${e.op}${show(e.operand)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'conditional':
      return `(${show(e.test)} ? ${show(e.consequent)} : ${show(e.alternate)})`;
    case 'call':
      return `${e.name}(${e.args.map(show).join(', ')})`;
  }
}

const p = (src: string): string => show(parseExpression(src));

function syntaxError(src: string, message: string, offset: number, length: number, baseOffset = 0): void {
  assert.throws(
    () => parseExpression(src, baseOffset),
    (error: unknown) => {
      assert.ok(error instanceof ExpressionSyntaxError, `expected ExpressionSyntaxError, got ${String(error)}`);
      assert.deepEqual({ message: error.message, offset: error.offset, length: error.length }, { message, offset, length });
      return true;
    },
  );
}

describe('literals', () => {
  it('parses numbers in integer, decimal and exponent form', () => {
    for (const [src, value] of [['42', 42], ['3.25', 3.25], ['1e-3', 0.001], ['2E+2', 200], ['1.5e2', 150], ['0', 0]] as const) {
      const e = parseExpression(src);
      assert.deepEqual(e, { kind: 'literal', value, start: 0, end: src.length });
    }
  });

  it('parses single-quoted strings with doubled quotes as the escape', () => {
    assert.deepEqual(parseExpression("'it''s'"), { kind: 'literal', value: "it's", start: 0, end: 7 });
    assert.deepEqual(parseExpression("''"), { kind: 'literal', value: '', start: 0, end: 2 });
    assert.deepEqual(parseExpression("''''"), { kind: 'literal', value: "'", start: 0, end: 4 });
    assert.equal((parseExpression("'a \"b\" {0}'") as { value: unknown }).value, 'a "b" {0}');
  });

  it('parses keywords and arrays', () => {
    assert.equal(p('true'), 'true');
    assert.equal(p('false'), 'false');
    assert.equal(p('null'), 'null');
    assert.equal(p("[1, 'a', [true], null]"), "[1, 'a', [true], null]");
    assert.equal(p('[]'), '[]');
  });
});

describe('references', () => {
  it('parses member and index chains', () => {
    assert.equal(p('steps.train.outputs.model'), 'steps.train.outputs.model');
    assert.equal(p("matrix['p'][0].x"), "matrix['p'][0].x");
    assert.equal(p('params.sizes[matrix.i]'), 'params.sizes[matrix.i]');
  });

  it('allows dashes inside names but not at their end', () => {
    assert.equal(p('steps.train-big.outputs.model-v2'), 'steps.train-big.outputs.model-v2');
    assert.equal(p('n- 1'), '(n - 1)');
    assert.equal(p('n -1'), '(n - 1)');
    assert.equal(p('a_b-c'), 'a_b-c');
    // As in GitHub Actions, a dash glued to a name is part of it: subtraction needs a space.
    assert.equal(p('params.n-1'), 'params.n-1');
  });

  it('allows keywords as field names', () => {
    assert.equal(p('a.true.null'), 'a.true.null');
  });
});

describe('operators and precedence', () => {
  it('binds * / % tighter than + -', () => {
    assert.equal(p('1 + 2 * 3'), '(1 + (2 * 3))');
    assert.equal(p('1 * 2 + 3 % 4 - 5 / 6'), '(((1 * 2) + (3 % 4)) - (5 / 6))');
  });

  it('is left-associative', () => {
    assert.equal(p('1 - 2 - 3'), '((1 - 2) - 3)');
    assert.equal(p('8 / 4 / 2'), '((8 / 4) / 2)');
    assert.equal(p('a || b || c'), '((a || b) || c)');
  });

  it('orders comparison, equality, && and ||', () => {
    assert.equal(p('a + 1 < b == c >= d'), '(((a + 1) < b) == (c >= d))');
    assert.equal(p('a == b && c != d || e'), '(((a == b) && (c != d)) || e)');
    assert.equal(p('a || b && c'), '(a || (b && c))');
    assert.equal(p('a <= b'), '(a <= b)');
    assert.equal(p('a > b'), '(a > b)');
  });

  it('binds unary operators tighter than binary ones', () => {
    assert.equal(p('-a * b'), '((-a) * b)');
    assert.equal(p('!a && b'), '((!a) && b)');
    assert.equal(p('!!a'), '(!(!a))');
    assert.equal(p('- -1'), '(-(-1))');
    assert.equal(p('-a.b[0]'), '(-a.b[0])');
  });

  it('parses right-nested ternaries below ||', () => {
    assert.equal(p('a || b ? 1 : 2'), '((a || b) ? 1 : 2)');
    assert.equal(p('a ? b : c ? d : e'), '(a ? b : (c ? d : e))');
    assert.equal(p('a ? b ? 1 : 2 : 3'), '(a ? (b ? 1 : 2) : 3)');
  });

  it('honours parentheses', () => {
    assert.equal(p('(1 + 2) * 3'), '((1 + 2) * 3)');
    assert.equal(p('(a)[0]'), 'a[0]');
  });

  it('parses the examples from the docs', () => {
    assert.equal(p(" params.n > 100 && matrix.verifier != 'random' "), "((params.n > 100) && (matrix.verifier != 'random'))");
  });
});

describe('function calls', () => {
  it('parses every built-in', () => {
    assert.equal(p("format('{0}-{1}', a, 2)"), "format('{0}-{1}', a, 2)");
    assert.equal(p('len(x) + min(1, 2) + max(3)'), '((len(x) + min(1, 2)) + max(3))');
    assert.equal(p("join(xs, '-')"), "join(xs, '-')");
    assert.equal(p('round(num(str(toJSON(fromJSON(s)))), 2)'), 'round(num(str(toJSON(fromJSON(s)))), 2)');
    assert.equal(p("contains(a, 1) && startsWith(s, 'x') && endsWith(s, 'y')"), "((contains(a, 1) && startsWith(s, 'x')) && endsWith(s, 'y'))");
  });

  it('allows postfix access on call results', () => {
    assert.equal(p("fromJSON(s).a[0]"), 'fromJSON(s).a[0]');
  });
});

describe('offsets', () => {
  it('gives every node start/end shifted by baseOffset', () => {
    const e = parseExpression(' a.b + f', 10);
    assert.deepEqual(e, {
      kind: 'binary',
      op: '+',
      left: { kind: 'member', name: 'b', object: { kind: 'identifier', name: 'a', start: 11, end: 12 }, start: 11, end: 14 },
      right: { kind: 'identifier', name: 'f', start: 17, end: 18 },
      start: 11,
      end: 18,
    });
  });

  it('covers calls and indexes up to their closing bracket', () => {
    const e = parseExpression("len(x['k'])");
    assert.equal(e.start, 0);
    assert.equal(e.end, 11);
    assert.ok(e.kind === 'call');
    assert.deepEqual([e.args[0]!.start, e.args[0]!.end], [4, 10]);
  });

  it('covers arrays and unary operators', () => {
    const e = parseExpression('-[1]');
    assert.deepEqual([e.start, e.end], [0, 4]);
  });

  it('tokenizes with absolute offsets', () => {
    assert.deepEqual(
      tokenize("a<='x'", 3).map((t) => [t.kind, t.text, t.start, t.end]),
      [['identifier', 'a', 3, 4], ['punct', '<=', 4, 6], ['string', "'x'", 6, 9], ['eof', '', 9, 9]],
    );
  });
});

describe('syntax errors', () => {
  it('reports an unclosed parenthesis with the column of the opener', () => {
    syntaxError('a + (b * 2', 'expected ")" to close "(" at column 5, found end of expression', 10, 0);
    syntaxError('a + (b * 2', 'expected ")" to close "(" at column 5, found end of expression', 110, 0, 100);
  });

  it('reports unclosed brackets and calls', () => {
    syntaxError('a[0', 'expected "]" to close "[" at column 2, found end of expression', 3, 0);
    syntaxError('[1, 2', 'expected "," or "]" to close "[" at column 1, found end of expression', 5, 0);
    syntaxError('len(a b)', 'expected "," or ")" to close "(" at column 4, found "b"', 6, 1);
    syntaxError("max(1 'x')", `expected "," or ")" to close "(" at column 4, found string 'x'`, 6, 3);
  });

  it('reports a ternary without ":"', () => {
    syntaxError('a ? 1 2', 'expected ":" to complete "?" at column 3, found number 2', 6, 1);
  });

  it('reports missing operands', () => {
    syntaxError('1 +', 'expected an expression, found end of expression', 3, 0);
    syntaxError('* 2', 'expected an expression, found "*"', 0, 1);
    syntaxError('(1 + )', 'expected an expression, found ")"', 5, 1);
    syntaxError('[1, ]', 'expected an expression, found "]"', 4, 1);
    syntaxError('.5', 'expected an expression, found "."; write numbers with a leading digit, e.g. 0.5', 0, 1);
  });

  it('reports an empty expression', () => {
    syntaxError('   ', 'empty expression; write a value or reference, e.g. ${{ params.n }}', 3, 0);
  });

  it('reports trailing tokens', () => {
    syntaxError('a b', 'expected an operator or end of expression, found "b"', 2, 1);
    syntaxError('a)', 'unexpected ")" with no matching "("', 1, 1);
    syntaxError('a]', 'unexpected "]" with no matching "["', 1, 1);
    syntaxError('a : b', 'unexpected ":" with no matching "?"', 2, 1);
  });

  it('reports bad field access', () => {
    syntaxError('steps.*.outputs', '".*" (object filters) is not supported; name the field or index explicitly', 6, 1);
    syntaxError('a.1', 'expected a field name after ".", found number 1', 2, 1);
    syntaxError('a.', 'expected a field name after ".", found end of expression', 2, 0);
    syntaxError(
      "a.b('x')",
      "only built-in functions can be called, and not as methods; pass the value as the first argument, e.g. startsWith(x, 'a')",
      3,
      1,
    );
  });

  it('reports unknown functions with the known ones and a suggestion', () => {
    const known = 'abs, all, any, contains, endsWith, filter, format, fromJSON, group, join, len, map, max, mean, min, num, round, sd, spearman, startsWith, stderr, str, toJSON';
    syntaxError('lenn(x)', `unknown function "lenn"; expected one of ${known}. Did you mean "len"?`, 0, 4);
    syntaxError('  startswith(s, p)', `unknown function "startswith"; expected one of ${known}. Did you mean "startsWith"?`, 2, 10);
    syntaxError('length(x)', `unknown function "length"; expected one of ${known}. Did you mean "len"?`, 0, 6);
    syntaxError('frobnicate(x)', `unknown function "frobnicate"; expected one of ${known}`, 0, 10);
    syntaxError('constructor(x)', `unknown function "constructor"; expected one of ${known}`, 0, 11);
  });

  it('reports wrong argument counts over the whole call', () => {
    syntaxError('x + round(1, 2, 3)', 'wrong number of arguments for round(x, digits?): expected 1 or 2, found 3', 4, 14);
    syntaxError('len()', 'wrong number of arguments for len(value): expected 1, found 0', 0, 5);
    syntaxError('format()', 'wrong number of arguments for format(fmt, ...args): expected at least 1, found 0', 0, 8);
    syntaxError('contains(a)', 'wrong number of arguments for contains(arrayOrString, item): expected 2, found 1', 0, 11);
  });

  it('reports lexical errors', () => {
    syntaxError("'abc", `string starting at column 1 is never closed; add "'" at its end (write '' for a quote inside it)`, 0, 4);
    syntaxError("x == 'it's'", `string starting at column 11 is never closed; add "'" at its end (write '' for a quote inside it)`, 10, 1);
    syntaxError('a = 1', 'unexpected character "="; use "==" to compare', 2, 1);
    syntaxError('a & b', 'unexpected character "&"; use "&&" for "and"', 2, 1);
    syntaxError('a | b', 'unexpected character "|"; use "||" for "or"', 2, 1);
    syntaxError('"x"', `unexpected character """; strings use single quotes, e.g. 'text'`, 0, 1);
    syntaxError('a # b', 'unexpected character "#"', 2, 1);
    syntaxError('${{ a }}', 'unexpected character "$"; expressions cannot be nested; "${{" is not needed inside "${{ }}"', 0, 1);
  });

  it('reports malformed numbers', () => {
    syntaxError('1.', 'expected a digit after the decimal point in "1."', 0, 2);
    syntaxError('x + 1e', 'expected a digit in the exponent of "1e"', 4, 2);
    syntaxError('1e+', 'expected a digit in the exponent of "1e+"', 0, 3);
    syntaxError('1e999', 'number 1e999 is too large', 0, 5);
    syntaxError('12abc', 'invalid number "12abc"; names cannot start with a digit', 0, 5);
  });
});
