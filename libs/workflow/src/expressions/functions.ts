/** Arity of the built-in functions; the parser rejects wrong counts so later stages can rely on them. */
export interface FunctionInfo {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Shown in arity errors so users see the expected shape. */
  readonly signature: string;
}

export const FUNCTIONS = {
  format: { minArgs: 1, maxArgs: Infinity, signature: 'format(fmt, ...args)' },
  contains: { minArgs: 2, maxArgs: 2, signature: 'contains(arrayOrString, item)' },
  startsWith: { minArgs: 2, maxArgs: 2, signature: 'startsWith(s, prefix)' },
  endsWith: { minArgs: 2, maxArgs: 2, signature: 'endsWith(s, suffix)' },
  join: { minArgs: 1, maxArgs: 2, signature: 'join(array, separator?)' },
  toJSON: { minArgs: 1, maxArgs: 1, signature: 'toJSON(value)' },
  fromJSON: { minArgs: 1, maxArgs: 1, signature: 'fromJSON(text)' },
  len: { minArgs: 1, maxArgs: 1, signature: 'len(value)' },
  min: { minArgs: 1, maxArgs: Infinity, signature: 'min(...numbers)' },
  max: { minArgs: 1, maxArgs: Infinity, signature: 'max(...numbers)' },
  round: { minArgs: 1, maxArgs: 2, signature: 'round(x, digits?)' },
  str: { minArgs: 1, maxArgs: 1, signature: 'str(value)' },
  num: { minArgs: 1, maxArgs: 1, signature: 'num(value)' },
  abs: { minArgs: 1, maxArgs: 1, signature: 'abs(x)' },
  mean: { minArgs: 1, maxArgs: 1, signature: 'mean(numbers)' },
  sd: { minArgs: 1, maxArgs: 1, signature: 'sd(numbers)' },
  stderr: { minArgs: 1, maxArgs: 1, signature: 'stderr(numbers)' },
  group: { minArgs: 3, maxArgs: 3, signature: "group(list, 'key.path' or ['key.path', ...], 'value.path')" },
  spearman: { minArgs: 2, maxArgs: 2, signature: 'spearman(xs, ys)' },
  map: { minArgs: 2, maxArgs: 2, signature: "map(list, 'field.path')" },
  filter: { minArgs: 2, maxArgs: 3, signature: "filter(list, 'field.path', value?)" },
  all: { minArgs: 1, maxArgs: 1, signature: 'all(booleans)' },
  any: { minArgs: 1, maxArgs: 1, signature: 'any(booleans)' },
} as const satisfies Record<string, FunctionInfo>;

export type FunctionName = keyof typeof FUNCTIONS;

export const FUNCTION_NAMES: readonly FunctionName[] = Object.keys(FUNCTIONS) as FunctionName[];

export function isFunctionName(name: string): name is FunctionName {
  return Object.hasOwn(FUNCTIONS, name);
}

/**
 * Names people reach for from other languages; edit distance alone would not
 * connect `length` to `len` or `parseInt` to `num`.
 */
export const FUNCTION_ALIASES: ReadonlyMap<string, FunctionName> = new Map<string, FunctionName>([
  ['length', 'len'],
  ['size', 'len'],
  ['count', 'len'],
  ['string', 'str'],
  ['toString', 'str'],
  ['number', 'num'],
  ['int', 'num'],
  ['float', 'num'],
  ['parseInt', 'num'],
  ['parseFloat', 'num'],
  ['includes', 'contains'],
  ['concat', 'format'],
  ['average', 'mean'],
  ['avg', 'mean'],
  ['sem', 'stderr'],
  ['se', 'stderr'],
  ['std', 'sd'],
  ['stdev', 'sd'],
  ['stddev', 'sd'],
  ['groupBy', 'group'],
  ['aggregate', 'group'],
  ['every', 'all'],
  ['some', 'any'],
  ['where', 'filter'],
  ['select', 'map'],
]);

/** "expected 1 or 2", "expected at least 1", "expected 2" */
export function describeArity(info: FunctionInfo): string {
  if (info.maxArgs === Infinity) return `at least ${info.minArgs}`;
  if (info.minArgs === info.maxArgs) return `${info.minArgs}`;
  if (info.maxArgs === info.minArgs + 1) return `${info.minArgs} or ${info.maxArgs}`;
  return `${info.minArgs} to ${info.maxArgs}`;
}
