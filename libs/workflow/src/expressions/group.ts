import { readFieldPath, splitFieldPath, typeAtFieldPath } from './field-path.js';
import { mean, sampleSd, standardError } from './statistics.js';
import { ANY, NUMBER, arrayOf, formatType, isAssignable } from './types.js';
import type { ValueType } from './types.js';
import { canonicalJson, runtimeTypeName } from './values.js';

/** Fields every group carries besides its key paths; a key path may not start with one of them. */
const SUMMARY_FIELDS = ['n', 'mean', 'sd', 'stderr', 'values'] as const;

type Path = readonly (string | number)[];

/** `'matrix.p'` or `['matrix.p', 'matrix.verifier']` as parsed paths, or why not. */
export function groupKeyPaths(keys: unknown): { value: Path[] } | { error: string } {
  const texts = typeof keys === 'string' ? [keys] : Array.isArray(keys) ? keys : undefined;
  if (!texts || texts.length === 0) return { error: `argument 2 of group() must be a field path or a non-empty list of them, such as 'matrix.p', found ${runtimeTypeName(keys)}` };
  const paths: Path[] = [];
  for (const text of texts) {
    if (typeof text !== 'string') return { error: `argument 2 of group() must list field path strings, found ${runtimeTypeName(text)}` };
    const path = splitFieldPath(text);
    if ('error' in path) return path;
    if ((SUMMARY_FIELDS as readonly unknown[]).includes(path.value[0])) {
      return { error: `group() key '${text}' would be hidden by the group's own field "${String(path.value[0])}" (${SUMMARY_FIELDS.join(', ')})` };
    }
    paths.push(path.value);
  }
  return { value: paths };
}

function setPath(target: Record<string | number, unknown>, path: Path, value: unknown): void {
  let current = target;
  for (const segment of path.slice(0, -1)) current = (current[segment] ??= {}) as Record<string | number, unknown>;
  current[path[path.length - 1]!] = value;
}

/**
 * Groups the elements of a list by the values at the key paths (in order of first appearance) and
 * summarises the numbers at `field` in each: `{ <key paths>, n, mean, sd, stderr, values }`. The key paths
 * keep their place, so `filter(group(xs, 'matrix.verifier', 'outputs.accuracy'), 'matrix.verifier', 'oracle')`
 * reads a group as it would read an instance.
 */
export function groupSummaries(list: readonly unknown[], keys: readonly Path[], field: Path): { value: Record<string, unknown>[] } | { error: string } {
  const groups = new Map<string, { key: unknown[]; values: number[] }>();
  for (const [index, element] of list.entries()) {
    const key: unknown[] = [];
    for (const path of keys) {
      const found = readFieldPath(element, path);
      if ('error' in found) return { error: `element ${index} of argument 1 of group(): ${found.error}` };
      key.push(found.value);
    }
    const value = readFieldPath(element, field);
    if ('error' in value) return { error: `element ${index} of argument 1 of group(): ${value.error}` };
    if (typeof value.value !== 'number') return { error: `element ${index} of argument 1 of group() has ${runtimeTypeName(value.value)} at '${field.join('.')}', not a number` };
    const id = canonicalJson(key);
    const group = groups.get(id) ?? { key, values: [] };
    group.values.push(value.value);
    groups.set(id, group);
  }
  return {
    value: [...groups.values()].map((group) => {
      const entry: Record<string, unknown> = {};
      keys.forEach((path, i) => setPath(entry, path, group.key[i]));
      const summary = (result: { value: number } | { error: string }): number => ('error' in result ? Number.NaN : result.value);
      return { ...entry, n: group.values.length, mean: summary(mean(group.values)), sd: summary(sampleSd(group.values)), stderr: summary(standardError(group.values)), values: group.values };
    }),
  };
}

/** The static type of a group() result, or the problems with its arguments. */
export function groupType(element: ValueType, keys: readonly Path[] | undefined, field: Path | undefined): { type: ValueType; errors: { argIndex: 1 | 2; message: string }[] } {
  const errors: { argIndex: 1 | 2; message: string }[] = [];
  const fields: Record<string, ValueType> = {};
  const addField = (path: Path, type: ValueType): void => {
    let current = fields;
    for (const segment of path.slice(0, -1)) {
      const existing = current[String(segment)];
      const next: Record<string, ValueType> = existing?.kind === 'object' && existing.fields ? { ...existing.fields } : {};
      current[String(segment)] = { kind: 'object', fields: next };
      current = next;
    }
    current[String(path[path.length - 1])] = type;
  };
  for (const path of keys ?? []) {
    const type = typeAtFieldPath(element, path);
    if ('error' in type) errors.push({ argIndex: 1, message: `group(): ${type.error}` });
    addField(path, 'error' in type ? ANY : type);
  }
  if (field) {
    const type = typeAtFieldPath(element, field);
    if ('error' in type) errors.push({ argIndex: 2, message: `group(): ${type.error}` });
    else if (!isAssignable(type, NUMBER)) errors.push({ argIndex: 2, message: `group() summarises numbers, but '${field.join('.')}' is ${formatType(type)}` });
  }
  // Key paths were read statically; when one is computed, the shape of a group is unknown.
  if (keys === undefined) return { type: arrayOf({ kind: 'object' }), errors };
  return { type: arrayOf({ kind: 'object', fields: { ...fields, n: NUMBER, mean: NUMBER, sd: NUMBER, stderr: NUMBER, values: arrayOf(NUMBER) } }), errors };
}
