import type { CallExpr, Expr } from './ast.js';
import { splitFieldPath, typeAtFieldPath } from './field-path.js';
import { groupKeyPaths, groupType } from './group.js';
import { maxPlaceholder, parseFormatString } from './format-string.js';
import { ANY, BOOLEAN, NUMBER, STRING, arrayOf, formatType, isAssignable, optionsOf, typeOfValue, typesOverlap } from './types.js';
import type { ValueType } from './types.js';

export type Report = (node: Expr, message: string) => void;

const NUMBER_OR_STRING_OR_BOOLEAN: ValueType = { kind: 'union', options: [NUMBER, STRING, BOOLEAN] };

/** Checks the argument types of a built-in call and returns its result type. */
export function typeOfCall(call: CallExpr, argTypes: readonly ValueType[], report: Report): ValueType {
  const { name, args } = call;
  const type = (i: number): ValueType => argTypes[i] ?? ANY;
  const node = (i: number): Expr => args[i] ?? call;
  const require = (i: number, expected: ValueType, what: string): boolean => {
    if (isAssignable(type(i), expected)) return true;
    report(node(i), `argument ${i + 1} of ${name}() must be ${what}, found ${formatType(type(i))}`);
    return false;
  };
  // Each option must be one of the accepted kinds; `any` always passes.
  const requireKinds = (i: number, kinds: readonly ValueType['kind'][], what: string): boolean => {
    const t = type(i);
    if (t.kind === 'any' || optionsOf(t).every((option) => kinds.includes(option.kind))) return true;
    report(node(i), `argument ${i + 1} of ${name}() must be ${what}, found ${formatType(t)}`);
    return false;
  };

  switch (name) {
    case 'format': {
      require(0, STRING, 'a string');
      const fmt = args[0];
      if (fmt?.kind === 'literal' && typeof fmt.value === 'string') {
        const parsed = parseFormatString(fmt.value);
        if ('error' in parsed) report(fmt, parsed.error);
        else if (maxPlaceholder(parsed.pieces) >= args.length - 1) {
          report(fmt, `format string uses {${maxPlaceholder(parsed.pieces)}} but only ${args.length - 1} argument(s) follow it`);
        }
      }
      return STRING;
    }
    case 'contains': {
      if (!requireKinds(0, ['string', 'array'], 'an array or a string')) return BOOLEAN;
      const haystack = type(0);
      if (haystack.kind === 'string') require(1, STRING, 'a string when searching in a string');
      else if (haystack.kind === 'array' && !typesOverlap(haystack.element, type(1))) {
        report(node(1), `contains() can never find ${formatType(type(1))} in ${formatType(haystack)}`);
      }
      return BOOLEAN;
    }
    case 'startsWith':
    case 'endsWith':
      require(0, STRING, 'a string');
      require(1, STRING, 'a string');
      return BOOLEAN;
    case 'join':
      require(0, arrayOf(ANY), 'an array');
      if (args.length > 1) require(1, STRING, 'a string');
      return STRING;
    case 'toJSON':
      return STRING;
    case 'fromJSON': {
      if (!require(0, STRING, 'a string')) return ANY;
      const text = args[0];
      if (text?.kind !== 'literal' || typeof text.value !== 'string') return ANY;
      try {
        return typeOfValue(JSON.parse(text.value));
      } catch (error) {
        report(text, `argument 1 of fromJSON() is not valid JSON: ${(error as Error).message}`);
        return ANY;
      }
    }
    case 'len':
      requireKinds(0, ['string', 'array', 'object'], 'a string, an array or an object');
      return NUMBER;
    case 'min':
    case 'max':
      if (args.length === 1 && type(0).kind === 'array') require(0, arrayOf(NUMBER), 'an array of numbers');
      else args.forEach((_, i) => require(i, NUMBER, 'a number'));
      return NUMBER;
    case 'round':
      require(0, NUMBER, 'a number');
      if (args.length > 1) require(1, NUMBER, 'a number');
      return NUMBER;
    case 'str':
      return STRING;
    case 'num':
      require(0, NUMBER_OR_STRING_OR_BOOLEAN, 'a number, a string or a boolean');
      return NUMBER;
    case 'abs':
      require(0, NUMBER, 'a number');
      return NUMBER;
    case 'mean':
    case 'sd':
    case 'stderr':
      require(0, arrayOf(NUMBER), 'an array of numbers');
      return NUMBER;
    case 'group':
      return typeOfGroup(call, type(0), report);
    case 'spearman':
      require(0, arrayOf(NUMBER), 'an array of numbers');
      require(1, arrayOf(NUMBER), 'an array of numbers');
      return NUMBER;
    case 'map':
      return arrayOf(fieldOfElements(call, type(0), report));
    case 'filter': {
      const field = fieldOfElements(call, type(0), report);
      if (args.length > 2 && !typesOverlap(field, type(2))) report(node(2), `filter() compares ${formatType(field)} with ${formatType(type(2))}, which never match`);
      if (args.length === 2 && !isAssignable(field, BOOLEAN)) report(node(1), `filter() without a value keeps elements whose field is true, but this field is ${formatType(field)}; pass the value to compare with as argument 3`);
      return isAssignable(type(0), arrayOf(ANY)) ? type(0) : arrayOf(ANY);
    }
    case 'all':
    case 'any':
      require(0, arrayOf(BOOLEAN), 'an array of booleans');
      return BOOLEAN;
  }
}

/** The type of the field that argument 2 (a path string) names in each element of argument 1; `any` when the path is computed. */
function fieldOfElements(call: CallExpr, listType: ValueType, report: Report): ValueType {
  const [list, path] = call.args;
  if (!isAssignable(listType, arrayOf(ANY))) {
    report(list ?? call, `argument 1 of ${call.name}() must be an array, found ${formatType(listType)}`);
    return ANY;
  }
  if (path?.kind !== 'literal') return ANY;
  if (typeof path.value !== 'string') {
    report(path, `argument 2 of ${call.name}() must be a field path string such as 'outputs.accuracy', found ${formatType(typeOfValue(path.value))}`);
    return ANY;
  }
  const segments = splitFieldPath(path.value);
  if ('error' in segments) {
    report(path, segments.error);
    return ANY;
  }
  const element = listType.kind === 'array' ? listType.element : ANY;
  const field = typeAtFieldPath(element, segments.value);
  if ('error' in field) {
    report(path, `${call.name}(): ${field.error}`);
    return ANY;
  }
  return field;
}

/** A literal key list (`'matrix.p'` or `['matrix.p', 'matrix.v']`) as text, or undefined when computed. */
function literalKeys(expr: Expr | undefined): unknown {
  if (expr?.kind === 'literal') return expr.value;
  if (expr?.kind === 'array' && expr.elements.every((element) => element.kind === 'literal')) return expr.elements.map((element) => (element as { value: unknown }).value);
  return undefined;
}

function typeOfGroup(call: CallExpr, listType: ValueType, report: Report): ValueType {
  const [list, keysArg, fieldArg] = call.args;
  if (!isAssignable(listType, arrayOf(ANY))) {
    report(list ?? call, `argument 1 of group() must be an array, found ${formatType(listType)}`);
    return arrayOf(ANY);
  }
  const element = listType.kind === 'array' ? listType.element : ANY;
  const keyText = literalKeys(keysArg);
  let keys: (readonly (string | number)[])[] | undefined;
  if (keyText !== undefined) {
    const parsed = groupKeyPaths(keyText);
    if ('error' in parsed) report(keysArg!, parsed.error);
    else keys = parsed.value;
  }
  let field: (string | number)[] | undefined;
  if (fieldArg?.kind === 'literal') {
    const parsed = typeof fieldArg.value === 'string' ? splitFieldPath(fieldArg.value) : { error: `argument 3 of group() must be a field path string such as 'outputs.accuracy', found ${formatType(typeOfValue(fieldArg.value))}` };
    if ('error' in parsed) report(fieldArg, parsed.error);
    else field = parsed.value;
  }
  const result = groupType(element, keys, field);
  for (const error of result.errors) report(call.args[error.argIndex] ?? call, error.message);
  return result.type;
}
