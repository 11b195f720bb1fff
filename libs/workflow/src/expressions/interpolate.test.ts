import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateExpression } from './evaluate.js';
import type { ExpressionSpan } from './find-expressions.js';
import { UnterminatedExpressionError } from './find-expressions.js';
import { interpolate, interpolationType, wholeExpression } from './interpolate.js';
import { parseExpression } from './parser.js';
import type { PathSegment } from './references.js';
import { typecheckExpression } from './typecheck.js';
import { formatType, typeOfValue } from './types.js';

const data: Record<string, unknown> = {
  params: { dim: 64, name: 'bert', cfg: { lr: 0.1 }, sizes: [1, 2], none: null, on: false },
  matrix: { p: 'exact' },
};

function lookup(path: PathSegment[]): unknown {
  let value: unknown = data;
  for (const key of path) value = (value as Record<string | number, unknown>)[key];
  return value;
}

const render = (template: string): unknown =>
  interpolate(template, (span) => evaluateExpression(parseExpression(span.inner, span.innerStart), lookup));

describe('interpolate', () => {
  it('keeps the type of a whole-string expression', () => {
    assert.equal(render('${{ params.dim }}'), 64);
    assert.equal(render('  ${{ params.dim * 2 }}\n'), 128);
    assert.deepEqual(render('${{ params.cfg }}'), { lr: 0.1 });
    assert.deepEqual(render('${{ params.sizes }}'), [1, 2]);
    assert.equal(render('${{ params.none }}'), null);
    assert.equal(render('${{ params.on }}'), false);
  });

  it('renders embedded expressions into a string', () => {
    assert.equal(render('model-${{ matrix.p }}.bin'), 'model-exact.bin');
    assert.equal(render('${{ params.dim }}${{ params.dim }}'), '6464');
    assert.equal(render(' d=${{ params.dim }} '), ' d=64 ');
    assert.equal(render('[${{ params.none }}]'), '[]');
    assert.equal(render('cfg=${{ params.cfg }} sizes=${{ params.sizes }}'), 'cfg={"lr":0.1} sizes=[1,2]');
    assert.equal(render('on=${{ params.on }}'), 'on=false');
  });

  it('returns text without expressions unchanged', () => {
    assert.equal(render('plain {{ text }}'), 'plain {{ text }}');
    assert.equal(render(''), '');
  });

  it('passes spans with offsets into the template', () => {
    const spans: ExpressionSpan[] = [];
    interpolate('ab${{ x }}c', (span) => {
      spans.push(span);
      return 1;
    });
    assert.deepEqual(spans, [{ source: '${{ x }}', inner: ' x ', start: 2, end: 10, innerStart: 5 }]);
  });

  it('lets unterminated expressions surface as errors', () => {
    assert.throws(() => render('a ${{ b'), UnterminatedExpressionError);
  });
});

describe('wholeExpression', () => {
  it('recognises one expression with only whitespace around it', () => {
    assert.equal(wholeExpression(' ${{ a }} ')?.inner, ' a ');
    assert.equal(wholeExpression('x${{ a }}'), undefined);
    assert.equal(wholeExpression('${{ a }}${{ b }}'), undefined);
    assert.equal(wholeExpression('a'), undefined);
  });
});

describe('interpolationType', () => {
  const typeOfSpan = (span: ExpressionSpan) =>
    typecheckExpression(parseExpression(span.inner, span.innerStart), (ref) => {
      const value = lookup(ref.path);
      return value === undefined ? { error: 'unknown' } : typeOfValue(value);
    }).type;

  it('is the expression type for a whole-string expression and string otherwise', () => {
    assert.equal(formatType(interpolationType('${{ params.dim }}', typeOfSpan)), 'number');
    assert.equal(formatType(interpolationType(' ${{ params.cfg }} ', typeOfSpan)), '{ lr: number }');
    assert.equal(formatType(interpolationType('n=${{ params.dim }}', typeOfSpan)), 'string');
    assert.equal(formatType(interpolationType('plain', typeOfSpan)), 'string');
  });

  it('visits every span so the caller can report errors in each', () => {
    const seen: string[] = [];
    interpolationType('${{ a }}-${{ b }}', (span) => {
      seen.push(span.inner.trim());
      return { kind: 'number' };
    });
    assert.deepEqual(seen, ['a', 'b']);
  });
});
