import type { Diagnostic, DiagnosticCode } from '../diagnostics/diagnostic.js';
import { closest, expectedOneOf } from '../diagnostics/suggest.js';
import type { SourceDocument } from '../source/index.js';
import type { Issue } from './collapse.js';
import { decodePointer, formatPath } from './json-pointer.js';

export interface MessageContext {
  readonly doc: SourceDocument;
  readonly basePath: readonly (string | number)[];
  readonly value: unknown;
  readonly code?: DiagnosticCode;
  readonly describe?: string;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'a map',
  array: 'a list',
  null: 'an empty value',
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const orList = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;

/** What was actually written, in the user's terms. */
export function describeFound(data: unknown): string {
  if (data === null || data === undefined) return 'an empty value';
  if (typeof data === 'string') {
    const shown = data.length > 40 ? `${data.slice(0, 37)}...` : data;
    return data === '' ? 'an empty string' : `string ${JSON.stringify(shown)}`;
  }
  if (Array.isArray(data)) return `a list of ${plural(data.length, 'item')}`;
  if (typeof data === 'object') return `a map with ${plural(Object.keys(data).length, 'key')}`;
  return `${typeof data} ${String(data)}`;
}

function expectation(issue: Issue): string {
  const p = issue.params;
  switch (issue.keyword) {
    case 'type':
      return orList(((p.expected as string[] | undefined) ?? String(p.type).split(',')).map((t) => TYPE_NAMES[t] ?? t));
    case 'enum':
      return p.expected ? `one of ${(p.expected as string[]).join(', ')}` : `one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return JSON.stringify(p.allowedValue);
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return `a number ${String(p.comparison)} ${String(p.limit)}`;
    case 'multipleOf':
      return `a multiple of ${String(p.multipleOf)}`;
    case 'minLength': return `at least ${plural(Number(p.limit), 'character')}`;
    case 'maxLength': return `at most ${plural(Number(p.limit), 'character')}`;
    case 'minItems': return `at least ${plural(Number(p.limit), 'item')}`;
    case 'maxItems': return `at most ${plural(Number(p.limit), 'item')}`;
    case 'minProperties': return `at least ${plural(Number(p.limit), 'key')}`;
    case 'maxProperties': return `at most ${plural(Number(p.limit), 'key')}`;
    case 'pattern': return `text matching ${String(p.pattern)}`;
    case 'format': return `a valid ${String(p.format)}`;
    default: return issue.message ?? 'a different value';
  }
}

/** What to do, by keyword: the message already says what is wrong. */
function valueHint(issue: Issue): string {
  const data = issue.data;
  if (issue.keyword === 'type' && !issue.params.expected) {
    const wanted = String(issue.params.type);
    if (data === null || data === undefined) return 'Give it a value.';
    if (wanted === 'string' && (typeof data === 'number' || typeof data === 'boolean')) return `Quote it to make it a string: "${String(data)}".`;
    if ((wanted === 'number' || wanted === 'integer') && typeof data === 'string' && data.trim() !== '' && !Number.isNaN(Number(data))) return 'Remove the quotes around the number.';
    if (wanted === 'array') return 'Write a list: [a, b] or one "- item" per line.';
    if (wanted === 'object') return 'Write a map of "key: value" entries.';
  }
  if (issue.keyword === 'enum' && typeof data === 'string' && Array.isArray(issue.params.allowedValues)) {
    const guess = closest(data, issue.params.allowedValues.filter((v): v is string => typeof v === 'string'));
    if (guess) return `Did you mean "${guess}"?`;
  }
  switch (issue.keyword) {
    case 'not': return 'Remove it or change it.';
    case 'pattern': return 'Change the value to fit that pattern.';
    case 'minLength': case 'maxLength': case 'minItems': case 'maxItems': case 'minProperties': case 'maxProperties':
      return `Give it ${expectation(issue)}.`;
    default: return `Change it to ${expectation(issue)}.`;
  }
}

export function issueToDiagnostic(issue: Issue, at: MessageContext): Diagnostic {
  const path = decodePointer(issue.instancePath, at.value);
  const full = [...at.basePath, ...path];
  const where = (rel: readonly (string | number)[]): string => {
    if (at.describe) return rel.length ? `"${formatPath(rel)}" in ${at.describe}` : at.describe;
    const whole = [...at.basePath, ...rel];
    return whole.length ? `"${formatPath(whole)}"` : 'the file';
  };
  const withDescription = (hint: string): string => (issue.description ? `${hint} ${issue.description}` : hint);
  const p = issue.params;
  const valueCode = at.code ?? 'INVALID_VALUE';

  if (issue.propertyName !== undefined) {
    return {
      code: valueCode,
      span: at.doc.locate([...full, issue.propertyName], 'key'),
      message: `invalid key "${issue.propertyName}" in ${where(path)}: expected ${expectation(issue)}`,
      hint: 'Rename the key.',
    };
  }
  switch (issue.keyword) {
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const properties = (issue.parentSchema as { properties?: object } | undefined)?.properties;
      const allowed = Object.keys(properties ?? {});
      return {
        code: 'UNKNOWN_KEY',
        span: at.doc.locate([...full, name], 'key'),
        message: `unknown key "${name}" in ${where(path)}`,
        hint: allowed.length ? `${capitalize(expectedOneOf(name, allowed)).replace(/[^?]$/, '$&.')}` : 'Remove it; no other keys are allowed here.',
      };
    }
    case 'required': {
      const names = (p.alternatives as string[] | undefined) ?? [String(p.missingProperty)];
      const quoted = orList(names.map((n) => `"${n}"`));
      return {
        code: 'MISSING_KEY',
        span: at.doc.locate(full, 'key'),
        message: `missing required key ${quoted} in ${where(path)}`,
        hint: names.length > 1 ? 'Add one of them.' : `Add "${names[0]}:" with a value.`,
      };
    }
    case 'dependencies': case 'dependentRequired':
      return {
        code: 'MISSING_KEY',
        span: at.doc.locate([...full, String(p.property)], 'key'),
        message: `"${String(p.property)}" in ${where(path)} also needs "${String(p.missingProperty)}"`,
        hint: `Add "${String(p.missingProperty)}:", or remove "${String(p.property)}".`,
      };
    case 'false schema':
      return { code: 'UNKNOWN_KEY', span: at.doc.locate(full, 'key'), message: `${where(path)} is not allowed here`, hint: 'Remove it.' };
    case 'uniqueItems': {
      const [first, second] = [Math.min(Number(p.i), Number(p.j)), Math.max(Number(p.i), Number(p.j))];
      const item = Array.isArray(issue.data) ? (issue.data as unknown[])[second] : undefined;
      return {
        code: valueCode,
        span: at.doc.locate([...full, second]),
        message: `duplicate item ${JSON.stringify(item)} in ${where(path)}`,
        hint: `Remove it; it is already item ${first + 1} of the list.`,
      };
    }
    case 'oneOf':
      return {
        code: valueCode,
        span: at.doc.locate(full),
        message: `${where(path)} fits more than one of its allowed forms`,
        hint: withDescription('Remove or rename keys so it fits exactly one.'),
      };
    case 'anyOf':
      return { code: valueCode, span: at.doc.locate(full), message: `${where(path)} does not fit any of its allowed forms`, hint: withDescription('Check the documentation of this field.') };
    case 'not':
      return { code: valueCode, span: at.doc.locate(full), message: `${describeFound(issue.data)} is not allowed for ${where(path)}`, hint: withDescription(valueHint(issue)) };
    default:
      return {
        code: valueCode,
        span: at.doc.locate(full),
        message: `expected ${expectation(issue)} for ${where(path)}, found ${describeFound(issue.data)}`,
        hint: withDescription(valueHint(issue)),
      };
  }
}
