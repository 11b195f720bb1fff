import { parseDocument } from 'yaml';
import { MAX_YAML_DEPTH } from '../limits/nesting-limits.js';
import { findNestingBeyond } from '../source/nesting-depth.js';
import { tidy } from '../source/yaml-errors.js';

/** Why the text after `=` in `--set NAME=VALUE` is not a value: what went wrong and what to type instead. */
export interface OverrideValueProblem {
  readonly code: 'BAD_OVERRIDE' | 'LIMIT';
  readonly message: string;
  readonly hint: string;
}

/** `text` in single quotes for a POSIX shell, so a suggested command can be pasted as is. */
function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The value of `--set NAME=VALUE`, read as YAML so `--set n=5` is a number. Text that is not valid YAML
 * (`--set label={oops`) is refused rather than taken as a string: it is usually a list or map with a
 * typo, and a string param that really holds such text can be quoted.
 */
export function parseOverrideValue(name: string, raw: string): { readonly value: unknown } | OverrideValueProblem {
  // Composing recurses once per level of nesting; bounded as workflow files are.
  if (findNestingBeyond(raw, MAX_YAML_DEPTH) !== undefined) {
    return { code: 'LIMIT', message: `the value nests more than ${MAX_YAML_DEPTH} levels deep`, hint: 'Put deeply nested data in a file that a step reads.' };
  }
  const doc = parseDocument(raw, { prettyErrors: false });
  const [error] = doc.errors;
  if (error) {
    return {
      code: 'BAD_OVERRIDE',
      message: `"${raw}" is not a valid YAML value: ${tidy(error.message)}`,
      hint: `Fix it, or quote it to pass it as a string: --set ${shellQuoted(`${name}=${JSON.stringify(raw)}`)}`,
    };
  }
  return { value: doc.toJS() as unknown };
}
