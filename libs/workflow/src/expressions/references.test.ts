import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExpression } from './parser.js';
import { collectReferences, formatPath, staticReference } from './references.js';

const refs = (src: string, base = 0) => collectReferences(parseExpression(src, base));

describe('collectReferences', () => {
  it('returns the whole static chain with its span', () => {
    assert.deepEqual(refs('steps.train.outputs.model'), [{ path: ['steps', 'train', 'outputs', 'model'], start: 0, end: 25 }]);
    assert.deepEqual(refs("  matrix['p']", 5), [{ path: ['matrix', 'p'], start: 7, end: 18 }]);
    assert.deepEqual(refs('params.sizes[0][1].x'), [{ path: ['params', 'sizes', 0, 1, 'x'], start: 0, end: 20 }]);
    assert.deepEqual(refs('steps.train-big.outputs.model'), [{ path: ['steps', 'train-big', 'outputs', 'model'], start: 0, end: 29 }]);
  });

  it('stops the chain at a dynamic index and collects the index separately', () => {
    assert.deepEqual(refs('params.cfg[matrix.k].lr'), [
      { path: ['params', 'cfg'], start: 0, end: 10 },
      { path: ['matrix', 'k'], start: 11, end: 19 },
    ]);
    assert.deepEqual(refs('a[1.5]'), [{ path: ['a'], start: 0, end: 1 }]);
    assert.deepEqual(refs("a['x' + b]").map((r) => r.path), [['a'], ['b']]);
  });

  it('finds references in every kind of sub-expression, left to right', () => {
    const src = "params.n > 100 && matrix.verifier != 'random' ? [x, -y.z] : format('{0}', steps.a.outputs.b, len(q[0]))";
    assert.deepEqual(
      refs(src).map((r) => r.path),
      [['params', 'n'], ['matrix', 'verifier'], ['x'], ['y', 'z'], ['steps', 'a', 'outputs', 'b'], ['q', 0]],
    );
  });

  it('finds nothing in literals and does not count call results as roots', () => {
    assert.deepEqual(refs("1 + 2 == 3 && 'a' != null"), []);
    assert.deepEqual(refs("fromJSON('{}').a"), []);
    assert.deepEqual(refs('[1, 2][0]'), []);
  });

  it('reports repeated references each time', () => {
    assert.deepEqual(refs('a + a').map((r) => r.start), [0, 4]);
  });
});

describe('staticReference', () => {
  it('is undefined for non-reference expressions', () => {
    assert.equal(staticReference(parseExpression('a + b')), undefined);
    assert.equal(staticReference(parseExpression('a[b]')), undefined);
    assert.deepEqual(staticReference(parseExpression('a.b'))?.path, ['a', 'b']);
  });
});

describe('formatPath', () => {
  it('renders paths the way users write them', () => {
    assert.equal(formatPath(['steps', 'train-big', 'outputs', 'model']), 'steps.train-big.outputs.model');
    assert.equal(formatPath(['matrix', 'learning rate']), "matrix['learning rate']");
    assert.equal(formatPath(['params', 'sizes', 0]), 'params.sizes[0]');
    assert.equal(formatPath(['a', "it's"]), "a['it''s']");
  });
});
