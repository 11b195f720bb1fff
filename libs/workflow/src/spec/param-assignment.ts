/**
 * How one param is set from outside its default, shared by `--set NAME=VALUE` and presets so both
 * follow the same rules: NAME is a param or a dotted path into a map param, and the new value must
 * have the JSON type of the old one (a null default takes any value).
 */

/** Why a value could not be set; each caller words it for where the value came from. */
export type AssignmentProblem =
  /** `name` is not a key of the map `within` (`params` or `params.model`), whose keys are `known`. */
  | { readonly kind: 'unknown'; readonly name: string; readonly within: string; readonly known: readonly string[] }
  /** `param` (`params.model.depth`) holds a value of type `expected`; the new one is a `found`. */
  | { readonly kind: 'type'; readonly param: string; readonly expected: string; readonly found: string }
  /** `param` is not a map, so the path cannot go on to `next`. */
  | { readonly kind: 'not-a-map'; readonly param: string; readonly next: string };

/** The JSON type of a value: `null`, `array`, `object`, `string`, `number` or `boolean`. */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export const withArticle = (type: string): string => `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;

/** Sets `params` at `path` to `value` in place, or says why not (and changes nothing). */
export function assignParam(params: Record<string, unknown>, path: readonly string[], value: unknown): AssignmentProblem | undefined {
  let holder = params;
  for (const [index, segment] of path.entries()) {
    if (!Object.hasOwn(holder, segment)) {
      return { kind: 'unknown', name: segment, within: ['params', ...path.slice(0, index)].join('.'), known: Object.keys(holder) };
    }
    const param = ['params', ...path.slice(0, index + 1)].join('.');
    if (index === path.length - 1) {
      const before = holder[segment];
      if (before !== null && jsonType(before) !== jsonType(value)) return { kind: 'type', param, expected: jsonType(before), found: jsonType(value) };
      holder[segment] = value;
      return undefined;
    }
    const next = holder[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) return { kind: 'not-a-map', param, next: path[index + 1]! };
    holder = next as Record<string, unknown>;
  }
  return undefined;
}
