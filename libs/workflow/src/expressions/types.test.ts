import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANY, BOOLEAN, NULL, NUMBER, STRING, arrayOf, fieldType, formatType, isAssignable, typeOfValue, typesOverlap, unionOf } from './types.js';
import type { ValueType } from './types.js';

const obj = (fields?: Record<string, ValueType>): ValueType => (fields ? { kind: 'object', fields } : { kind: 'object' });

describe('typeOfValue', () => {
  it('infers primitives', () => {
    assert.deepEqual([1, 'a', true, null].map(typeOfValue), [NUMBER, STRING, BOOLEAN, NULL]);
    assert.deepEqual(typeOfValue(undefined), ANY);
  });

  it('gives arrays the union of their element types', () => {
    assert.deepEqual(typeOfValue([1, 2]), arrayOf(NUMBER));
    assert.equal(formatType(typeOfValue([1, 'a', 2, null])), 'array<number | string | null>');
    assert.deepEqual(typeOfValue([]), arrayOf(ANY));
    assert.equal(formatType(typeOfValue([[1], ['a']])), 'array<array<number> | array<string>>');
  });

  it('records object fields', () => {
    assert.deepEqual(typeOfValue({ lr: 0.1, tags: ['a'] }), obj({ lr: NUMBER, tags: arrayOf(STRING) }));
  });
});

describe('formatType', () => {
  it('formats every kind', () => {
    assert.equal(formatType(NUMBER), 'number');
    assert.equal(formatType(unionOf([STRING, NUMBER])), 'string | number');
    assert.equal(formatType(arrayOf(NUMBER)), 'array<number>');
    assert.equal(formatType(obj()), 'object');
    assert.equal(formatType(obj({})), '{}');
    assert.equal(formatType(obj({ a: NUMBER, b: arrayOf(STRING) })), '{ a: number, b: array<string> }');
    assert.equal(formatType(ANY), 'any');
  });
});

describe('unionOf', () => {
  it('flattens, de-duplicates and collapses', () => {
    assert.deepEqual(unionOf([NUMBER, unionOf([STRING, NUMBER]), STRING]), { kind: 'union', options: [NUMBER, STRING] });
    assert.deepEqual(unionOf([NUMBER, NUMBER]), NUMBER);
    assert.deepEqual(unionOf([NUMBER, ANY]), ANY);
    assert.deepEqual(unionOf([]), ANY);
  });
});

describe('isAssignable', () => {
  it('treats any as compatible both ways', () => {
    assert.ok(isAssignable(ANY, NUMBER));
    assert.ok(isAssignable(arrayOf(STRING), ANY));
  });

  it('compares primitives, arrays and unions', () => {
    assert.ok(isAssignable(NUMBER, NUMBER));
    assert.ok(!isAssignable(NUMBER, STRING));
    assert.ok(isAssignable(NUMBER, unionOf([STRING, NUMBER])));
    assert.ok(!isAssignable(unionOf([STRING, NUMBER]), NUMBER));
    assert.ok(isAssignable(arrayOf(NUMBER), arrayOf(unionOf([NUMBER, NULL]))));
    assert.ok(!isAssignable(arrayOf(STRING), arrayOf(NUMBER)));
    assert.ok(isAssignable(arrayOf(ANY), arrayOf(NUMBER)));
  });

  it('compares objects field by field, trusting unknown shapes', () => {
    assert.ok(isAssignable(obj({ a: NUMBER, b: STRING }), obj({ a: NUMBER })));
    assert.ok(!isAssignable(obj({ b: STRING }), obj({ a: NUMBER })));
    assert.ok(!isAssignable(obj({ a: STRING }), obj({ a: NUMBER })));
    assert.ok(isAssignable(obj(), obj({ a: NUMBER })));
    assert.ok(isAssignable(obj({ a: NUMBER }), obj()));
    assert.ok(!isAssignable(obj(), arrayOf(ANY)));
  });
});

describe('typesOverlap', () => {
  it('is true when some value could belong to both', () => {
    assert.ok(typesOverlap(unionOf([STRING, NUMBER]), NUMBER));
    assert.ok(!typesOverlap(STRING, NUMBER));
    assert.ok(typesOverlap(ANY, NUMBER));
  });
});

describe('fieldType', () => {
  it('walks objects, arrays and unions', () => {
    const cfg = obj({ lr: NUMBER, layers: arrayOf(NUMBER) });
    assert.deepEqual(fieldType(cfg, 'lr'), NUMBER);
    assert.deepEqual(fieldType(arrayOf(STRING), 3), STRING);
    assert.deepEqual(fieldType(obj(), 'anything'), ANY);
    assert.deepEqual(fieldType(ANY, 0), ANY);
    assert.deepEqual(fieldType(unionOf([obj({ a: NUMBER }), obj({ a: STRING })]), 'a'), unionOf([NUMBER, STRING]));
  });

  it('explains why a field cannot be read', () => {
    assert.deepEqual(fieldType(obj({ lr: NUMBER, layers: NUMBER }), 'lrr'), {
      error: 'no field "lrr" in { lr: number, layers: number }; expected one of layers, lr. Did you mean "lr"?',
    });
    assert.deepEqual(fieldType(arrayOf(NUMBER), 'length'), { error: 'cannot read field "length" of array<number>; use len(x) for the length' });
    assert.deepEqual(fieldType(NUMBER, 'x'), { error: 'cannot read field "x" of number' });
    assert.deepEqual(fieldType(STRING, 0), { error: 'cannot read field [0] of string' });
    assert.deepEqual(fieldType(obj({ a: NUMBER }), 0), { error: 'cannot index { a: number } with a number; use a field name' });
    assert.deepEqual(fieldType(unionOf([obj({ a: NUMBER }), NULL]), 'a'), {
      error: 'cannot read field "a" of null (the value may be { a: number } | null)',
    });
  });
});
