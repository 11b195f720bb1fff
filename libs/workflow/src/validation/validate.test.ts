import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic } from '../diagnostics/diagnostic.js';
import { parseWorkflowSource } from '../source/index.js';
import type { SchemaTarget } from './index.js';
import { validateAgainstSchema } from './index.js';

const step = {
  type: 'object',
  additionalProperties: false,
  required: ['uses'],
  properties: {
    uses: { type: 'string' },
    retries: { type: 'integer', minimum: 0 },
    timeout: {
      description: 'Seconds, or a duration like "5m".',
      anyOf: [{ type: 'number' }, { type: 'string', pattern: '^[0-9]+[smh]$' }],
    },
    needs: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    mode: { enum: ['fast', 'slow', 'exact'] },
    with: { type: 'object', properties: { dim: { type: 'integer' } } },
  },
};

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'steps'],
  definitions: { step },
  properties: {
    name: { type: 'string' },
    steps: { type: 'object', additionalProperties: { $ref: '#/definitions/step' } },
    grid: { type: 'array', items: { type: 'array', items: { type: 'integer' } } },
  },
};

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

function check(text: string, options: Partial<SchemaTarget> = {}, against: object = schema): string[] {
  const doc = parseWorkflowSource(text, 'wf.yaml');
  assert.deepEqual(doc.diagnostics, [], 'the test YAML itself must parse');
  return validateAgainstSchema(against, doc.value, { doc, basePath: [], ...options }).map(formatDiagnostic);
}

describe('validateAgainstSchema', () => {
  it('accepts a valid document', () => {
    assert.deepEqual(check(yaml('name: demo', 'steps:', '  train: { uses: x, timeout: 5m, needs: [a] }')), []);
  });

  it('points an unknown key at the key and suggests the closest', () => {
    assert.deepEqual(check(yaml('name: demo', 'steps:', '  train:', '    uses: x', '    retires: 2'), { describe: 'workflow' }), [
      'wf.yaml:5:5: unknown key "retires" in "steps.train" in workflow. Expected one of mode, needs, retries, timeout, uses, with. Did you mean "retries"? [UNKNOWN_KEY]',
    ]);
  });

  it('points a missing key at the key naming the map, or the top of the file', () => {
    assert.deepEqual(check(yaml('steps:', '  train:', '    retries: 1')), [
      'wf.yaml:1:1: missing required key "name" in the file. Add "name:" with a value. [MISSING_KEY]',
      'wf.yaml:2:3: missing required key "uses" in "steps.train". Add "uses:" with a value. [MISSING_KEY]',
    ]);
  });

  it('points a wrong type at the value and says what was found', () => {
    assert.deepEqual(check(yaml('name: demo', 'steps:', '  train: { uses: 5, retries: "3" }')), [
      'wf.yaml:3:18: expected a string for "steps.train.uses", found number 5. Quote it to make it a string: "5". [INVALID_VALUE]',
      'wf.yaml:3:30: expected an integer for "steps.train.retries", found string "3". Remove the quotes around the number. [INVALID_VALUE]',
    ]);
  });

  it('points an empty value at its key', () => {
    assert.deepEqual(check(yaml('name:', 'steps: {}')), [
      'wf.yaml:1:1: expected a string for "name", found an empty value. Give it a value. [INVALID_VALUE]',
    ]);
  });

  it('lists enum values and suggests the closest', () => {
    assert.deepEqual(check(yaml('name: demo', 'steps:', '  s: { uses: x, mode: slwo }'), { code: 'WITH_SCHEMA' }), [
      'wf.yaml:3:23: expected one of "fast", "slow", "exact" for "steps.s.mode", found string "slwo". Did you mean "slow"? [WITH_SCHEMA]',
    ]);
  });

  it('reports the branch of an anyOf that fits the value, not every branch', () => {
    assert.deepEqual(check(yaml('name: demo', 'steps:', '  s:', '    uses: x', '    timeout: 5 min', '    needs: [a, 3]')), [
      'wf.yaml:5:14: expected text matching ^[0-9]+[smh]$ for "steps.s.timeout", found string "5 min". Change the value to fit that pattern. Seconds, or a duration like "5m". [INVALID_VALUE]',
      'wf.yaml:6:16: expected a string for "steps.s.needs[1]", found number 3. Quote it to make it a string: "3". [INVALID_VALUE]',
    ]);
  });

  it('sums up an anyOf whose branches all reject the kind of value', () => {
    assert.deepEqual(check(yaml('name: demo', 'steps:', '  s: { uses: x, timeout: true, needs: { a: 1 } }')), [
      'wf.yaml:3:26: expected a number or a string for "steps.s.timeout", found boolean true. Change it to a number or a string. Seconds, or a duration like "5m". [INVALID_VALUE]',
      'wf.yaml:3:39: expected a string or a list for "steps.s.needs", found a map with 1 key. Change it to a string or a list. [INVALID_VALUE]',
    ]);
  });

  it('collapses nested anyOf and oneOf, and reports a value that fits several oneOf branches', () => {
    const nested = {
      type: 'object',
      properties: {
        v: { anyOf: [{ type: 'string' }, { type: 'object', properties: { w: { anyOf: [{ type: 'integer' }, { enum: ['auto'] }] } } }] },
        o: { oneOf: [{ type: 'object', required: ['a'] }, { type: 'object', required: ['b'] }] },
      },
    };
    assert.deepEqual(check(yaml('v: { w: auot }', 'o: { a: 1, b: 2 }'), {}, nested), [
      'wf.yaml:1:9: expected an integer or "auto" for "v.w", found string "auot". Change it to an integer or "auto". [INVALID_VALUE]',
      'wf.yaml:2:4: "o" fits more than one of its allowed forms. Remove or rename keys so it fits exactly one. [INVALID_VALUE]',
    ]);
    assert.deepEqual(check(yaml('o: { c: 1 }'), {}, nested), [
      'wf.yaml:1:1: missing required key "a" or "b" in "o". Add one of them. [MISSING_KEY]',
    ]);
  });

  it('locates errors in nested arrays', () => {
    assert.deepEqual(check(yaml('name: demo', 'steps: {}', 'grid:', '  - [1, 2]', '  - [3, x, 5]')), [
      'wf.yaml:5:9: expected an integer for "grid[1][1]", found string "x". Change it to an integer. [INVALID_VALUE]',
    ]);
  });

  it('decodes keys containing "." and "/"', () => {
    assert.deepEqual(check(yaml('name: demo', 'steps:', '  "a.b/c~d":', '    uses: [x]')), [
      'wf.yaml:4:11: expected a string for "steps.a.b/c~d.uses", found a list of 1 item. Change it to a string. [INVALID_VALUE]',
    ]);
  });

  it('points a bad key name at the key, and a repeated list item at the repeat', () => {
    const names = { type: 'object', propertyNames: { pattern: '^[a-z]+$' }, properties: { tags: { type: 'array', uniqueItems: true } } };
    assert.deepEqual(check(yaml('ok: 1', 'Not-Ok: 2', 'tags: [a, b, a]'), { describe: 'the config' }, names), [
      'wf.yaml:2:1: invalid key "Not-Ok" in the config: expected text matching ^[a-z]+$. Rename the key. [INVALID_VALUE]',
      'wf.yaml:3:14: duplicate item "a" in "tags" in the config. Remove it; it is already item 1 of the list. [INVALID_VALUE]',
    ]);
  });

  it('locates problems below basePath and names them with describe', () => {
    const text = yaml('steps:', '  train:', '    uses: x', '    with: { dim: ${{ params.dim }}, lr: 0.1 }');
    const doc = parseWorkflowSource(text, 'wf.yaml');
    const withValue = (doc.value as { steps: { train: { with: unknown } } }).steps.train.with;
    const withSchema = { type: 'object', additionalProperties: false, properties: { dim: { type: 'integer' }, lr2: { type: 'number' } } };
    const found = validateAgainstSchema(withSchema, withValue, { doc, basePath: ['steps', 'train', 'with'], code: 'WITH_SCHEMA', describe: 'gaussian/train input' });
    assert.deepEqual(found.map(formatDiagnostic), [
      'wf.yaml:4:18: expected an integer for "dim" in gaussian/train input, found string "${{ params.dim }}". Change it to an integer. [WITH_SCHEMA]',
      'wf.yaml:4:37: unknown key "lr" in gaussian/train input. Expected one of dim, lr2. Did you mean "lr2"? [UNKNOWN_KEY]',
    ]);
    const ignored = validateAgainstSchema(withSchema, withValue, {
      doc,
      basePath: ['steps', 'train', 'with'],
      ignore: (path, keyword) => path === '/dim' && keyword === 'type',
    });
    assert.deepEqual(ignored.map((d) => d.code), ['UNKNOWN_KEY']);
  });

  it('reports every problem once, sorted by position', () => {
    assert.deepEqual(check(yaml('extra: 1', 'steps:', '  b: { uses: 1 }', '  a: { retries: -1 }')), [
      'wf.yaml:1:1: missing required key "name" in the file. Add "name:" with a value. [MISSING_KEY]',
      'wf.yaml:1:1: unknown key "extra" in the file. Expected one of grid, name, steps. [UNKNOWN_KEY]',
      'wf.yaml:3:14: expected a string for "steps.b.uses", found number 1. Quote it to make it a string: "1". [INVALID_VALUE]',
      'wf.yaml:4:3: missing required key "uses" in "steps.a". Add "uses:" with a value. [MISSING_KEY]',
      'wf.yaml:4:17: expected a number >= 0 for "steps.a.retries", found number -1. Change it to a number >= 0. [INVALID_VALUE]',
    ]);
  });
});
