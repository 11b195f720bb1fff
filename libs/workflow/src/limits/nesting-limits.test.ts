import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic } from '../diagnostics/diagnostic.js';
import { evaluateExpression } from '../expressions/evaluate.js';
import { ExpressionEvalError, ExpressionLimitError } from '../expressions/errors.js';
import { parseExpression } from '../expressions/parser.js';
import { collectReferences } from '../expressions/references.js';
import { parseWorkflowSource } from '../source/index.js';
import { MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_TOKENS, MAX_YAML_DEPTH, valueDepthExceeds } from './nesting-limits.js';

const nestedLists = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const chain = (terms: number): string => Array.from({ length: terms }, () => '1').join(' + ');

/** `depth` levels of block maps under `top:`, each key on its own, more indented line. */
function nestedBlockMaps(depth: number): string {
  const lines = Array.from({ length: depth }, (_, level) => `${'  '.repeat(level)}k${level}:`);
  return `${lines.join('\n')} 1\n`;
}

describe('YAML nesting is bounded before the document is composed', () => {
  it(`accepts ${MAX_YAML_DEPTH} levels of flow and block collections`, () => {
    assert.deepEqual(parseWorkflowSource(`v: ${nestedLists(MAX_YAML_DEPTH - 1)}\n`, 'wf.yaml').diagnostics, []);
    assert.deepEqual(parseWorkflowSource(nestedBlockMaps(MAX_YAML_DEPTH), 'wf.yaml').diagnostics, []);
  });

  it('reports the first collection past the limit, with its line and column, for thousands of levels', () => {
    for (const text of [`a: 1\nv: ${nestedLists(5000)}\n`, `a: 1\n${nestedBlockMaps(3000)}`]) {
      const doc = parseWorkflowSource(text, 'wf.yaml');
      assert.equal(doc.value, undefined);
      assert.equal(doc.diagnostics.length, 1);
      assert.match(formatDiagnostic(doc.diagnostics[0]!), /^wf\.yaml:\d+:\d+: maps and lists nest more than 64 levels deep here\. .*at most 64 levels deep\. \[LIMIT\]$/);
    }
    const flow = parseWorkflowSource(`a: 1\nv: ${nestedLists(5000)}\n`, 'wf.yaml').diagnostics[0]!;
    // `v:` opens level 1 (the top map), so the 64th "[" still fits and the 65th is the first too deep.
    assert.deepEqual([flow.span.start.line, flow.span.start.col], [2, 4 + MAX_YAML_DEPTH - 1]);
    const block = parseWorkflowSource(`a: 1\n${nestedBlockMaps(3000)}`, 'wf.yaml').diagnostics[0]!;
    assert.deepEqual([block.span.start.line, block.span.start.col], [2 + MAX_YAML_DEPTH, 1 + 2 * MAX_YAML_DEPTH]);
  });

  it('refuses aliases that stack values past the limit', () => {
    const deep = nestedLists(50);
    const doc = parseWorkflowSource(`a: &a ${deep}\nb: &b [${'['.repeat(40)}*a${']'.repeat(40)}]\n`, 'wf.yaml');
    assert.equal(doc.value, undefined);
    assert.match(formatDiagnostic(doc.diagnostics[0]!), /^wf\.yaml:2:\d+: once aliases are expanded, maps and lists nest more than 64 levels deep\. .* \[LIMIT\]$/);
  });
});

describe('expressions are bounded in size and nesting', () => {
  it(`parses ${MAX_EXPRESSION_DEPTH} levels and ${MAX_EXPRESSION_TOKENS} tokens`, () => {
    const deepest = `${'('.repeat(MAX_EXPRESSION_DEPTH - 1)}1${')'.repeat(MAX_EXPRESSION_DEPTH - 1)}`;
    assert.equal(evaluateExpression(parseExpression(deepest), () => undefined), 1);
    assert.equal(evaluateExpression(parseExpression(chain(MAX_EXPRESSION_DEPTH)), () => undefined), MAX_EXPRESSION_DEPTH);
    // len ( [ and ] ) are 5 tokens; 498 elements and their 497 commas make up the rest.
    const longest = `len([${Array.from({ length: 498 }, () => '1').join(',')}])`;
    assert.equal(MAX_EXPRESSION_TOKENS, 1000);
    assert.equal(evaluateExpression(parseExpression(longest), () => undefined), 498);
    assert.throws(() => parseExpression(longest.replace('[', '[1,')), /expression too long: 1002 tokens, at most 1000/);
  });

  const refused: [string, string, RegExp][] = [
    ['thousands of parentheses', `${'('.repeat(3000)}1${')'.repeat(3000)}`, /^expression too long: 6001 tokens, at most 1000/],
    ['a few thousand terms', chain(5000), /^expression too long: 9999 tokens, at most 1000/],
    ['deep parentheses', `${'('.repeat(100)}1${')'.repeat(100)}`, /^expression nests more than 64 levels deep/],
    ['deep brackets', nestedLists(100), /^expression nests more than 64 levels deep/],
    ['deep calls', `${'str('.repeat(100)}1${')'.repeat(100)}`, /^expression nests more than 64 levels deep/],
    ['a long chain of operators', chain(MAX_EXPRESSION_DEPTH + 1), /^expression nests more than 64 levels deep/],
    ['a long chain of members', `params${'.a'.repeat(100)}`, /^expression nests more than 64 levels deep/],
    ['repeated negation', `${'!'.repeat(200)}true`, /^expression nests more than 64 levels deep/],
  ];
  for (const [what, text, message] of refused) {
    it(`refuses ${what} with a positioned error, not a stack overflow`, () => {
      assert.throws(() => parseExpression(text, 10), (error: unknown) => {
        assert.ok(error instanceof ExpressionLimitError, String(error));
        assert.match(error.message, message);
        assert.ok(error.offset >= 10 && error.offset < text.length + 10);
        return true;
      });
    });
  }

  it('bounds every pass over a parsed tree, since each recurses once per level', () => {
    // Each term `params.n` is two levels deep itself.
    const expr = parseExpression(chain(MAX_EXPRESSION_DEPTH - 1).replaceAll('1', 'params.n'));
    assert.equal(collectReferences(expr).length, MAX_EXPRESSION_DEPTH - 1);
  });

  it('refuses fromJSON() of a value nested past the YAML limit', () => {
    const expr = parseExpression('fromJSON(params.s)');
    const lookup = (text: string) => () => text;
    assert.deepEqual(evaluateExpression(expr, lookup(nestedLists(MAX_YAML_DEPTH))), JSON.parse(nestedLists(MAX_YAML_DEPTH)));
    assert.throws(() => evaluateExpression(expr, lookup(nestedLists(100_000))), (error: unknown) => {
      assert.ok(error instanceof ExpressionEvalError);
      assert.match(error.message, /argument 1 of fromJSON\(\) nests more than 64 levels deep/);
      return true;
    });
  });
});

describe('valueDepthExceeds', () => {
  it('counts levels of arrays and objects without recursing', () => {
    assert.equal(valueDepthExceeds(1, 0), false);
    assert.equal(valueDepthExceeds({ a: [1] }, 2), false);
    assert.equal(valueDepthExceeds({ a: [1] }, 1), true);
    assert.equal(valueDepthExceeds(JSON.parse(nestedLists(100_000)), MAX_YAML_DEPTH), true);
  });
});
