import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, CanonicalJsonError, sha256Hex } from './canonical-json.js';

test('canonicalJson sorts keys recursively and drops whitespace', () => {
  const a = canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } });
  const b = canonicalJson({ a: { c: 'x', d: [3, { y: null, z: true }] }, b: 1 });
  assert.equal(a, '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  assert.equal(a, b);
  // UTF-16 code unit order, as RFC 8785: uppercase before lowercase, astral after BMP.
  assert.equal(canonicalJson({ b: 0, B: 0, é: 0, '😀': 0, '\uffff': 0 }), '{"B":0,"b":0,"é":0,"😀":0,"\uffff":0}');
});

test('canonicalJson normalises numbers and omits undefined properties', () => {
  assert.equal(canonicalJson(-0), '0');
  assert.equal(canonicalJson([1e21, 0.1, -0]), '[1e+21,0.1,0]');
  assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
  assert.equal(canonicalJson(new Date(0)), '"1970-01-01T00:00:00.000Z"');
  assert.equal(canonicalJson('line\n"q"'), '"line\\n\\"q\\""');
});

test('canonicalJson rejects values without a single JSON form, naming the path', () => {
  const cases: [unknown, string, RegExp][] = [
    [{ a: [1, { b: NaN }] }, '$.a[1].b', /NaN/],
    [{ lr: Infinity }, '$.lr', /Infinity/],
    [[1, undefined], '$[1]', /undefined/],
    [{ 'odd key': () => 1 }, '$["odd key"]', /function/],
    [{ m: new Map() }, '$.m', /Map/],
    [{ n: 1n }, '$.n', /bigint/],
    [[1, , 3], '$[1]', /sparse/], // eslint-disable-line no-sparse-arrays
    [undefined, '$', /undefined/],
  ];
  for (const [value, path, message] of cases) {
    assert.throws(
      () => canonicalJson(value),
      (error: unknown) => error instanceof CanonicalJsonError && error.path === path && message.test(error.message),
      `expected rejection at ${path}`,
    );
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => canonicalJson(cyclic), /\$\.self: the value contains a cycle/);
  // A repeated (non-cyclic) reference is fine.
  const shared = { x: 1 };
  assert.equal(canonicalJson([shared, shared]), '[{"x":1},{"x":1}]');
});

test('sha256Hex hashes strings and bytes alike', () => {
  const expected = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
  assert.equal(sha256Hex('hello'), expected);
  assert.equal(sha256Hex(new TextEncoder().encode('hello')), expected);
});
