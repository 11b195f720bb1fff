import { expectedOneOf } from '../diagnostics/suggest.js';

/** Static type of an expression value. `object` without `fields` is an object whose shape is unknown. */
export type ValueType =
  | { readonly kind: 'number' | 'string' | 'boolean' | 'null' | 'any' }
  | { readonly kind: 'array'; readonly element: ValueType }
  | { readonly kind: 'object'; readonly fields?: Readonly<Record<string, ValueType>> }
  | { readonly kind: 'union'; readonly options: readonly ValueType[] };

export const NUMBER: ValueType = { kind: 'number' };
export const STRING: ValueType = { kind: 'string' };
export const BOOLEAN: ValueType = { kind: 'boolean' };
export const NULL: ValueType = { kind: 'null' };
export const ANY: ValueType = { kind: 'any' };

export function arrayOf(element: ValueType): ValueType {
  return { kind: 'array', element };
}

/** Flattened, de-duplicated union; `any` absorbs everything and a single option is returned as itself. */
export function unionOf(types: readonly ValueType[]): ValueType {
  const options: ValueType[] = [];
  const seen = new Set<string>();
  const add = (t: ValueType): boolean => {
    if (t.kind === 'any') return false;
    if (t.kind === 'union') return t.options.every(add);
    const key = formatType(t);
    if (!seen.has(key)) {
      seen.add(key);
      options.push(t);
    }
    return true;
  };
  if (!types.every(add)) return ANY;
  if (options.length === 0) return ANY;
  return options.length === 1 ? options[0]! : { kind: 'union', options };
}

/** The options of a union, or the type itself. */
export function optionsOf(t: ValueType): readonly ValueType[] {
  return t.kind === 'union' ? t.options : [t];
}

/** Infers a type from a concrete value; arrays get the union of their element types. */
export function typeOfValue(value: unknown): ValueType {
  if (value === null) return NULL;
  switch (typeof value) {
    case 'number':
      return NUMBER;
    case 'string':
      return STRING;
    case 'boolean':
      return BOOLEAN;
    case 'object': {
      if (Array.isArray(value)) return arrayOf(unionOf(value.map(typeOfValue)));
      const fields: Record<string, ValueType> = {};
      for (const [key, field] of Object.entries(value)) fields[key] = typeOfValue(field);
      return { kind: 'object', fields };
    }
    default:
      return ANY;
  }
}

/** 'number', 'string | number', 'array<number>', '{ lr: number, name: string }', 'object' */
export function formatType(t: ValueType): string {
  switch (t.kind) {
    case 'array':
      return `array<${formatType(t.element)}>`;
    case 'object': {
      if (!t.fields) return 'object';
      const entries = Object.entries(t.fields).map(([key, field]) => `${key}: ${formatType(field)}`);
      return entries.length ? `{ ${entries.join(', ')} }` : '{}';
    }
    case 'union':
      return t.options.map(formatType).join(' | ');
    default:
      return t.kind;
  }
}

/**
 * Whether every value of `source` fits `target`. `any` on either side fits, and so
 * does an object of unknown shape, because neither can be proven wrong statically.
 */
export function isAssignable(source: ValueType, target: ValueType): boolean {
  if (source.kind === 'any' || target.kind === 'any') return true;
  if (source.kind === 'union') return source.options.every((option) => isAssignable(option, target));
  if (target.kind === 'union') return target.options.some((option) => isAssignable(source, option));
  if (source.kind === 'array' && target.kind === 'array') return isAssignable(source.element, target.element);
  if (source.kind === 'object' && target.kind === 'object') {
    if (!target.fields || !source.fields) return true;
    const sourceFields = source.fields;
    return Object.entries(target.fields).every(
      ([key, field]) => Object.hasOwn(sourceFields, key) && isAssignable(sourceFields[key]!, field),
    );
  }
  return source.kind === target.kind;
}

/** Whether some value could belong to both types; comparing values of disjoint types is always false. */
export function typesOverlap(a: ValueType, b: ValueType): boolean {
  return optionsOf(a).some((x) => optionsOf(b).some((y) => isAssignable(x, y) || isAssignable(y, x)));
}

/**
 * The type of `t[key]` / `t.key`, or why it cannot be read. Callers resolving a
 * reference path can walk it one key at a time with this.
 */
export function fieldType(t: ValueType, key: string | number): ValueType | { error: string } {
  const shown = typeof key === 'number' ? `[${key}]` : `"${key}"`;
  switch (t.kind) {
    case 'any':
      return ANY;
    case 'array':
      if (typeof key === 'number') return t.element;
      return { error: `cannot read field ${shown} of ${formatType(t)}${key === 'length' ? '; use len(x) for the length' : ''}` };
    case 'object':
      if (typeof key === 'number') return { error: `cannot index ${formatType(t)} with a number; use a field name` };
      if (!t.fields) return ANY;
      if (Object.hasOwn(t.fields, key)) return t.fields[key]!;
      return { error: `no field ${shown} in ${formatType(t)}; ${expectedOneOf(key, Object.keys(t.fields))}` };
    case 'union': {
      const results = t.options.map((option) => fieldType(option, key));
      const failed = results.find((r): r is { error: string } => 'error' in r);
      if (failed) return { error: `${failed.error} (the value may be ${formatType(t)})` };
      return unionOf(results as ValueType[]);
    }
    default:
      return { error: `cannot read field ${shown} of ${t.kind}` };
  }
}
