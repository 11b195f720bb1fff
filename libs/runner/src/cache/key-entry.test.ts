import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KEY_FORMAT, cacheKey, explainChange } from './key-entry.js';
import type { KeyEntry } from './key-entry.js';

const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;

const base: KeyEntry = {
  format: KEY_FORMAT,
  kind: 'toy/train',
  version: '1',
  with: { lr: 0.1, model: { depth: 3, act: 'relu' }, sizes: [1, 2] },
  inputs: { 'synth[p=0.1].data': DIGEST_A },
  env: { MODE: 'fast' },
  seed: 42,
};

describe('cacheKey', () => {
  it('is a sha256 hex digest', () => {
    assert.match(cacheKey(base), /^[0-9a-f]{64}$/);
  });

  it('does not depend on key order anywhere in the entry', () => {
    const reordered: KeyEntry = {
      seed: 42,
      env: { MODE: 'fast' },
      inputs: { 'synth[p=0.1].data': DIGEST_A },
      with: { sizes: [1, 2], model: { act: 'relu', depth: 3 }, lr: 0.1 },
      version: '1',
      kind: 'toy/train',
      format: KEY_FORMAT,
    };
    assert.equal(cacheKey(reordered), cacheKey(base));
  });

  it('changes when any field changes', () => {
    const variants: KeyEntry[] = [
      { ...base, format: 2 as unknown as typeof KEY_FORMAT },
      { ...base, kind: 'toy/other' },
      { ...base, version: '2' },
      { ...base, with: { ...(base.with as object), lr: 0.2 } },
      { ...base, with: { ...(base.with as object), model: { depth: 4, act: 'relu' } } },
      { ...base, with: { ...(base.with as object), sizes: [2, 1] } },
      { ...base, with: { ...(base.with as object), extra: true } },
      { ...base, inputs: { 'synth[p=0.1].data': DIGEST_B } },
      { ...base, inputs: {} },
      { ...base, env: { MODE: 'slow' } },
      { ...base, env: {} },
      { ...base, seed: 43 },
    ];
    const keys = new Set([cacheKey(base), ...variants.map(cacheKey)]);
    assert.equal(keys.size, variants.length + 1);
  });

  it('treats an undefined with property as absent', () => {
    assert.equal(cacheKey({ ...base, with: { ...(base.with as object), gone: undefined } }), cacheKey(base));
  });
});

describe('explainChange', () => {
  it('with no previous entry the instance is new', () => {
    assert.deepEqual(explainChange(undefined, base), { kind: 'new' });
  });

  it('a version change comes first, whatever else changed', () => {
    const current = { ...base, version: '2', inputs: {}, with: { lr: 1 }, seed: 1 };
    assert.deepEqual(explainChange(base, current), { kind: 'version-changed', before: 'toy/train@1', after: 'toy/train@2' });
  });

  it('an environment change (a step kind\'s machine facts) comes after the version, before inputs and params', () => {
    const before = { ...base, environment: { engine: 'wasm+openblas' } };
    const after = { ...base, environment: { engine: 'wasm+openblas+fused' }, with: { lr: 2 } };
    assert.deepEqual(explainChange(before, after), { kind: 'environment-changed', changes: [{ path: 'engine', before: 'wasm+openblas', after: 'wasm+openblas+fused' }] });
    assert.deepEqual(explainChange(base, { ...base, environment: { engine: 'wasm' } }), { kind: 'environment-changed', changes: [{ path: 'engine', before: undefined, after: 'wasm' }] });
    assert.notEqual(cacheKey(before), cacheKey({ ...before, environment: { engine: 'wasm' } }));
    // A kind without environment facts keeps the key it always had (the hash of the entry without the field).
    assert.equal(cacheKey(base), 'a92842aaf9cf5ed425bd5b8b8268e437632f5e582921b28db34bde9e93631794');
  });

  it('a kind change counts as a version change', () => {
    assert.deepEqual(explainChange(base, { ...base, kind: 'toy/fit' }), { kind: 'version-changed', before: 'toy/train@1', after: 'toy/fit@1' });
  });

  it('then changed inputs, sorted, including added and removed ones', () => {
    const previous = { ...base, inputs: { 'z.out': DIGEST_A, 'b.out': DIGEST_A, 'same.out': DIGEST_A } };
    const current = { ...base, inputs: { 'z.out': DIGEST_B, 'a.new': DIGEST_A, 'same.out': DIGEST_A }, with: { lr: 9 }, seed: 0 };
    assert.deepEqual(explainChange(previous, current), { kind: 'input-changed', inputs: ['a.new', 'b.out', 'z.out'] });
  });

  it('then params, with the dotted path and both values of each nested change', () => {
    const current = { ...base, with: { lr: 0.1, model: { depth: 4, act: 'relu', norm: true }, sizes: [1, 2, 3] }, seed: 7 };
    assert.deepEqual(explainChange(base, current), {
      kind: 'params-changed',
      changes: [
        { path: 'model.depth', before: 3, after: 4 },
        { path: 'model.norm', before: undefined, after: true },
        { path: 'sizes', before: [1, 2], after: [1, 2, 3] },
      ],
    });
  });

  it('reports a removed param with its old value', () => {
    const current = { ...base, with: { model: { depth: 3, act: 'relu' }, sizes: [1, 2] } };
    assert.deepEqual(explainChange(base, current), { kind: 'params-changed', changes: [{ path: 'lr', before: 0.1, after: undefined }] });
  });

  it('a with that is not a map changes as a whole, under the name "with"', () => {
    assert.deepEqual(explainChange({ ...base, with: [1] }, { ...base, with: [2] }), { kind: 'params-changed', changes: [{ path: 'with', before: [1], after: [2] }] });
  });

  it('a map replaced by a scalar is one change at that path', () => {
    const current = { ...base, with: { ...(base.with as object), model: 'small' } };
    assert.deepEqual(explainChange(base, current), { kind: 'params-changed', changes: [{ path: 'model', before: { depth: 3, act: 'relu' }, after: 'small' }] });
  });

  it('declared env changes are param changes under env.NAME, after those of with', () => {
    const current = { ...base, with: { ...(base.with as object), lr: 0.5 }, env: { MODE: 'slow', EXTRA: '1' }, seed: 1 };
    assert.deepEqual(explainChange(base, current), {
      kind: 'params-changed',
      changes: [
        { path: 'lr', before: 0.1, after: 0.5 },
        { path: 'env.MODE', before: 'fast', after: 'slow' },
        { path: 'env.EXTRA', before: undefined, after: '1' },
      ],
    });
  });

  it('an entry recorded before env was keyed counts as having an empty env', () => {
    const older = Object.fromEntries(Object.entries(base).filter(([key]) => key !== 'env')) as unknown as KeyEntry;
    assert.deepEqual(explainChange(older, { ...base, env: {} }), { kind: 'no-record' });
    assert.deepEqual(explainChange(older, base), { kind: 'params-changed', changes: [{ path: 'env.MODE', before: undefined, after: 'fast' }] });
  });

  it('then the seed', () => {
    assert.deepEqual(explainChange(base, { ...base, seed: 43 }), { kind: 'seed-changed', before: 42, after: 43 });
  });

  it('an identical entry has simply no record', () => {
    assert.deepEqual(explainChange(base, { ...base, with: { sizes: [1, 2], model: { act: 'relu', depth: 3 }, lr: 0.1 } }), { kind: 'no-record' });
  });
});
