import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCoordinate, instanceName } from './instance-name.js';

describe('formatCoordinate', () => {
  it('writes numbers, booleans and null as JavaScript prints them', () => {
    assert.equal(formatCoordinate(0.3), '0.3');
    assert.equal(formatCoordinate(-2), '-2');
    assert.equal(formatCoordinate(1e-7), '1e-7');
    assert.equal(formatCoordinate(true), 'true');
    assert.equal(formatCoordinate(null), 'null');
  });

  it('leaves plain words bare', () => {
    for (const word of ['oracle', 'gaussian_train', 'v1.2', 'a-b+c', 'ABC_9']) assert.equal(formatCoordinate(word), word);
  });

  it('quotes strings that would make a name ambiguous or unreadable', () => {
    assert.equal(formatCoordinate('two words'), '"two words"');
    assert.equal(formatCoordinate('a,b'), '"a,b"');
    assert.equal(formatCoordinate('p=1'), '"p=1"');
    assert.equal(formatCoordinate('x]'), '"x]"');
    assert.equal(formatCoordinate('say "hi"'), '"say \\"hi\\""');
    assert.equal(formatCoordinate(''), '""');
    assert.equal(formatCoordinate('dir/file'), '"dir/file"');
  });

  it('writes objects compactly, keys sorted so YAML key order never changes a name, values formatted recursively', () => {
    assert.equal(formatCoordinate({ phi: 0.9, psi: 0.3 }), '{phi:0.9,psi:0.3}');
    assert.equal(formatCoordinate({ psi: 0.3, phi: 0.9 }), '{phi:0.9,psi:0.3}');
    assert.equal(formatCoordinate({ name: 'a b', inner: { k: true } }), '{inner:{k:true},name:"a b"}');
    assert.equal(formatCoordinate({}), '{}');
  });

  it('writes arrays compactly', () => {
    assert.equal(formatCoordinate([1, 'x', 'y z', [2]]), '[1,x,"y z",[2]]');
    assert.equal(formatCoordinate([]), '[]');
  });
});

describe('instanceName', () => {
  it('is the step id when there are no coordinates', () => {
    assert.equal(instanceName('prepare', {}), 'prepare');
  });

  it('lists coordinates in sorted key order, whatever order they come in', () => {
    const expected = 'train[p=0.3,verifier=oracle]';
    assert.equal(instanceName('train', { p: 0.3, verifier: 'oracle' }), expected);
    assert.equal(instanceName('train', { verifier: 'oracle', p: 0.3 }), expected);
    assert.equal(instanceName('x', { b: 1, a: 2, c: 3 }), 'x[a=2,b=1,c=3]');
  });

  it('keeps object and odd string values unambiguous', () => {
    assert.equal(instanceName('eval', { prior: { phi: 0.9, psi: 0.3 }, tag: 'a,b' }), 'eval[prior={phi:0.9,psi:0.3},tag="a,b"]');
  });

  it('is stable: the same input always gives the same text', () => {
    const coordinates = { seed_set: [1, 2], lr: 0.001, model: 'mlp' };
    assert.equal(instanceName('fit', coordinates), instanceName('fit', { ...coordinates }));
    assert.equal(instanceName('fit', coordinates), 'fit[lr=0.001,model=mlp,seed_set=[1,2]]');
  });

  it('different coordinates give different names', () => {
    assert.notEqual(instanceName('t', { p: 0.1 }), instanceName('t', { p: 0.3 }));
    assert.notEqual(instanceName('t', { p: 'a b' }), instanceName('t', { p: 'a', q: 'b' }));
  });
});
