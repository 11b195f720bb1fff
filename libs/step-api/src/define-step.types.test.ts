// Compile-time checks: this file only builds if every `@ts-expect-error` line really is a type error (an unused
// directive is itself an error). At run time it just confirms the definitions exist.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { defineStep } from './define-step.js';

const typed = defineStep({
  name: 'toy/typed',
  version: '1',
  description: 'type inference fixture',
  with: {
    type: 'object',
    properties: {
      n: { type: 'integer' },
      label: { type: 'string' },
      mode: { enum: ['fast', 'exact'] },
      values: { type: 'array', items: { type: 'number' } },
    },
    required: ['n', 'values'],
    additionalProperties: false,
  },
  outputs: { total: { kind: 'number' }, name: { kind: 'string' }, ok: { kind: 'boolean' }, model: { kind: 'artifact' } },
});

export const good = typed.run(async (ctx) => {
  const n: number = ctx.with.n;
  const values: number[] = ctx.with.values;
  const label: string | undefined = ctx.with.label;
  const mode: 'fast' | 'exact' | undefined = ctx.with.mode;
  // @ts-expect-error n is a number
  const _wrong: string = ctx.with.n;
  // @ts-expect-error label is optional, so it may be undefined
  const _notOptional: string = ctx.with.label;
  // @ts-expect-error mode is one of two strings
  const _anyString: 'slow' | undefined = ctx.with.mode;
  // @ts-expect-error there is no such property in the schema
  void ctx.with.missing;
  void [label, mode];
  // Artifacts are written, not returned: `model` is not part of the value.
  return { total: n + values.length, name: 'x', ok: true };
});

// @ts-expect-error `ok` is missing from the returned values
export const missing = typed.run(async () => ({ total: 1, name: 'x' }));

// @ts-expect-error `total` must be a number
export const wrongType = typed.run(async () => ({ total: '1', name: 'x', ok: true }));

// @ts-expect-error run must return a promise of the values
export const notAsync = typed.run(() => ({ total: 1, name: 'x', ok: true }));

const untyped = defineStep({ name: 'toy/empty', version: '1', description: '', with: { type: 'object' }, outputs: { report: { kind: 'artifact' } } });
// A step with only artifact outputs returns an empty object.
export const artifactsOnly = untyped.run(async () => ({}));

it('the typed definitions exist', () => {
  assert.equal(good.name, 'toy/typed');
  assert.equal(typeof missing.run, 'function');
  assert.equal(typeof wrongType.run, 'function');
  assert.equal(typeof notAsync.run, 'function');
  assert.equal(artifactsOnly.name, 'toy/empty');
});
