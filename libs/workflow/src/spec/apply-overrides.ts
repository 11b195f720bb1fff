import { parse as parseYamlScalar } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { WorkflowError } from '../diagnostics/diagnostic.js';
import { expectedOneOf } from '../diagnostics/suggest.js';
import type { WorkflowSpec } from './workflow-spec.js';

/** A `--set` override, as typed on the command line. */
function overrideDiagnostic(argument: string, message: string, hint?: string): Diagnostic {
  const start = { line: 1, col: 1, offset: 0 };
  const end = { line: 1, col: argument.length + 1, offset: argument.length };
  return { code: 'BAD_OVERRIDE', span: { file: `--set ${argument}`, start, end }, message, ...(hint ? { hint } : {}) };
}

const withArticle = (type: string): string => `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Applies `--set params.path=value` (the `params.` prefix is optional) like `dvc exp run --set-param`.
 * Values are parsed as YAML, so `--set n=5` is a number; the new value must have the type of the old one.
 */
export function applyOverrides(spec: WorkflowSpec, assignments: readonly string[]): WorkflowSpec {
  if (assignments.length === 0) return spec;
  const params = structuredClone(spec.params) as Record<string, unknown>;
  const problems: Diagnostic[] = [];
  for (const argument of assignments) {
    const eq = argument.indexOf('=');
    if (eq <= 0) {
      problems.push(overrideDiagnostic(argument, `"${argument}" is not an assignment`, 'Write --set NAME=VALUE, e.g. --set dim=300.'));
      continue;
    }
    const path = argument.slice(0, eq).replace(/^params\./, '').split('.');
    const raw = argument.slice(eq + 1);
    let value: unknown;
    try {
      value = parseYamlScalar(raw);
    } catch {
      value = raw;
    }
    let holder: Record<string, unknown> = params;
    for (const [index, segment] of path.entries()) {
      const known = Object.keys(holder);
      if (!Object.hasOwn(holder, segment)) {
        const where = index === 0 ? 'params' : `params.${path.slice(0, index).join('.')}`;
        problems.push(overrideDiagnostic(argument, `"${segment}" is not in ${where}`, `${expectedOneOf(segment, known)}`));
        break;
      }
      if (index === path.length - 1) {
        const before = holder[segment];
        if (before !== null && jsonType(before) !== jsonType(value)) {
          problems.push(
            overrideDiagnostic(argument, `params.${path.join('.')} is ${withArticle(jsonType(before))}, but "${raw}" is ${withArticle(jsonType(value))}`, `Give ${withArticle(jsonType(before))}.`),
          );
          break;
        }
        holder[segment] = value;
        break;
      }
      const next = holder[segment];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) {
        problems.push(overrideDiagnostic(argument, `params.${path.slice(0, index + 1).join('.')} is not a map, so it has no "${path[index + 1]}"`));
        break;
      }
      holder = next as Record<string, unknown>;
    }
  }
  if (problems.length > 0) throw new WorkflowError(problems);
  return { ...spec, params };
}
