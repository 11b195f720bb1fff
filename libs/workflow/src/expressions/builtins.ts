import { MAX_YAML_DEPTH, valueDepthExceeds } from '../limits/nesting-limits.js';
import type { FunctionName } from './functions.js';
import { readFieldPath, splitFieldPath } from './field-path.js';
import { maxPlaceholder, parseFormatString } from './format-string.js';
import { groupKeyPaths, groupSummaries } from './group.js';
import { mean, sampleSd, spearman, standardError } from './statistics.js';
import { displayString, runtimeTypeName, valuesEqual } from './values.js';

/** Raises a runtime error; `argIndex` says which argument is at fault, undefined for the call as a whole. */
export type Fail = (message: string, argIndex?: number) => never;

const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Runs a built-in on already-evaluated arguments; arity was enforced by the parser. */
export function callBuiltin(name: FunctionName, args: readonly unknown[], fail: Fail): unknown {
  const arg = (i: number): unknown => args[i];
  const expect = <T>(i: number, check: (v: unknown) => v is T, what: string): T => {
    const value = arg(i);
    if (!check(value)) fail(`argument ${i + 1} of ${name}() must be ${what}, found ${runtimeTypeName(value)}`, i);
    return value as T;
  };
  const string = (i: number): string => expect(i, isString, 'a string');
  const number = (i: number): number => expect(i, isNumber, 'a number');

  switch (name) {
    case 'format': {
      const parsed = parseFormatString(string(0));
      if ('error' in parsed) return fail(parsed.error, 0);
      const highest = maxPlaceholder(parsed.pieces);
      if (highest >= args.length - 1) {
        return fail(`format string uses {${highest}} but only ${args.length - 1} argument(s) follow it`, 0);
      }
      return parsed.pieces.map((piece) => (typeof piece === 'number' ? displayString(arg(piece + 1)) : piece)).join('');
    }
    case 'contains': {
      const haystack = arg(0);
      if (typeof haystack === 'string') return haystack.includes(string(1));
      if (Array.isArray(haystack)) return haystack.some((element) => valuesEqual(element, arg(1)));
      return fail(`argument 1 of contains() must be an array or a string, found ${runtimeTypeName(haystack)}`, 0);
    }
    case 'startsWith':
      return string(0).startsWith(string(1));
    case 'endsWith':
      return string(0).endsWith(string(1));
    case 'join': {
      const items = expect(0, Array.isArray, 'an array') as unknown[];
      const separator = args.length > 1 ? string(1) : ',';
      return items.map(displayString).join(separator);
    }
    case 'toJSON':
      return JSON.stringify(arg(0));
    case 'fromJSON': {
      let value: unknown;
      try {
        value = JSON.parse(string(0)) as unknown;
      } catch (error) {
        return fail(`argument 1 of fromJSON() is not valid JSON: ${(error as Error).message}`, 0);
      }
      // What it returns is hashed and checked by passes that recurse once per level.
      if (valueDepthExceeds(value, MAX_YAML_DEPTH)) return fail(`argument 1 of fromJSON() nests more than ${MAX_YAML_DEPTH} levels deep`, 0);
      return value;
    }
    case 'len': {
      const value = arg(0);
      if (typeof value === 'string' || Array.isArray(value)) return value.length;
      if (typeof value === 'object' && value !== null) return Object.keys(value).length;
      return fail(`argument 1 of len() must be a string, an array or an object, found ${runtimeTypeName(value)}`, 0);
    }
    case 'min':
    case 'max': {
      // A single array argument is spread, so `max(steps.eval.outputs.scores)` works.
      const single = args.length === 1 && Array.isArray(arg(0));
      const values = single ? (arg(0) as unknown[]) : args;
      if (values.length === 0) return fail(`${name}() of an empty array has no value`, 0);
      values.forEach((value, i) => {
        if (!isNumber(value)) {
          const where = single ? `element ${i} of argument 1` : `argument ${i + 1}`;
          fail(`${where} of ${name}() must be a number, found ${runtimeTypeName(value)}`, single ? 0 : i);
        }
      });
      return name === 'min' ? Math.min(...(values as number[])) : Math.max(...(values as number[]));
    }
    case 'round': {
      const x = number(0);
      const digits = args.length > 1 ? number(1) : 0;
      if (!Number.isInteger(digits) || Math.abs(digits) > 15) {
        return fail(`argument 2 of round() must be a whole number between -15 and 15, found ${digits}`, 1);
      }
      return roundHalfAwayFromZero(x, digits);
    }
    case 'str':
      return displayString(arg(0));
    case 'num':
      return toNumber(arg(0), fail);
    case 'abs':
      return Math.abs(number(0));
    case 'mean':
      return valueOr(mean(numbers(args, 0, name, fail)), fail);
    case 'sd':
      return valueOr(sampleSd(numbers(args, 0, name, fail)), fail);
    case 'stderr':
      return valueOr(standardError(numbers(args, 0, name, fail)), fail);
    case 'group': {
      const keys = valueOr(groupKeyPaths(arg(1)), fail, undefined, 1);
      const field = typeof arg(2) === 'string' ? valueOr(splitFieldPath(arg(2) as string), fail, undefined, 2) : fail(`argument 3 of group() must be a field path string such as 'outputs.accuracy', found ${runtimeTypeName(arg(2))}`, 2);
      return valueOr(groupSummaries(list(args, name, fail), keys, field), fail, undefined, 0);
    }
    case 'spearman':
      return valueOr(spearman(numbers(args, 0, name, fail), numbers(args, 1, name, fail)), fail);
    case 'map': {
      const path = fieldPath(args, fail);
      return list(args, name, fail).map((element, i) => valueOr(readFieldPath(element, path), fail, `element ${i} of argument 1 of map()`, 1));
    }
    case 'filter': {
      const path = fieldPath(args, fail);
      return list(args, name, fail).filter((element, i) => {
        const value = valueOr(readFieldPath(element, path), fail, `element ${i} of argument 1 of filter()`, 1);
        if (args.length > 2) return valuesEqual(value, arg(2));
        if (typeof value !== 'boolean') fail(`filter() without a value keeps elements whose field is true, but element ${i} has ${runtimeTypeName(value)} at '${String(arg(1))}'; pass the value to compare with as argument 3`, 1);
        return value;
      });
    }
    case 'all':
    case 'any': {
      const items = list(args, name, fail).map((item, i) => (typeof item === 'boolean' ? item : fail(`element ${i} of argument 1 of ${name}() must be a boolean, found ${runtimeTypeName(item)}`, 0)));
      return name === 'all' ? items.every(Boolean) : items.some(Boolean);
    }
  }
}

function list(args: readonly unknown[], name: FunctionName, fail: Fail): unknown[] {
  const value = args[0];
  if (!Array.isArray(value)) return fail(`argument 1 of ${name}() must be an array, found ${runtimeTypeName(value)}`, 0);
  return value;
}

/** A list argument whose every element is a number, e.g. the result of map(). */
function numbers(args: readonly unknown[], index: number, name: FunctionName, fail: Fail): number[] {
  const value = args[index];
  if (!Array.isArray(value)) return fail(`argument ${index + 1} of ${name}() must be an array of numbers, found ${runtimeTypeName(value)}`, index);
  return value.map((item, i) => (isNumber(item) ? item : fail(`element ${i} of argument ${index + 1} of ${name}() must be a number, found ${runtimeTypeName(item)}`, index)));
}

function fieldPath(args: readonly unknown[], fail: Fail): (string | number)[] {
  const path = args[1];
  if (typeof path !== 'string') return fail(`argument 2 must be a field path string such as 'outputs.accuracy', found ${runtimeTypeName(path)}`, 1);
  return valueOr(splitFieldPath(path), fail, undefined, 1);
}

function valueOr<T>(result: { value: T } | { error: string }, fail: Fail, where?: string, argIndex?: number): T {
  if ('error' in result) return fail(where ? `${where}: ${result.error}` : result.error, argIndex);
  return result.value;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

/**
 * Scaling by 10^digits turns 1.005 into 100.49999999999999; nudging by one epsilon
 * restores the half-way case people expect to round up.
 */
function roundHalfAwayFromZero(x: number, digits: number): number {
  const factor = 10 ** digits;
  const rounded = (Math.sign(x) * Math.round(Math.abs(x) * factor * (1 + Number.EPSILON))) / factor;
  return rounded === 0 ? 0 : rounded;
}

function toNumber(value: unknown, fail: Fail): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const text = value.trim();
    // Number() alone would accept '', '0x1f' and 'Infinity', none of which are meant as numbers here.
    if (NUMBER_TEXT.test(text)) return Number(text);
    return fail(`cannot convert the string "${value}" to a number`, 0);
  }
  return fail(`cannot convert ${runtimeTypeName(value)} to a number`, 0);
}
