import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { WorkflowError, commandLineSpan } from '../diagnostics/diagnostic.js';
import { expectedOneOf } from '../diagnostics/suggest.js';
import { parseOverrideValue } from './override-value.js';
import { assignParam, withArticle } from './param-assignment.js';
import type { AssignmentProblem } from './param-assignment.js';
import type { WorkflowSpec } from './workflow-spec.js';

/** A `--set` override, as typed on the command line. */
function overrideDiagnostic(argument: string, message: string, hint?: string, code: 'BAD_OVERRIDE' | 'LIMIT' = 'BAD_OVERRIDE'): Diagnostic {
  return { code, span: commandLineSpan(`--set ${argument}`, argument.length), message, ...(hint ? { hint } : {}) };
}

function problemDiagnostic(argument: string, raw: string, problem: AssignmentProblem): Diagnostic {
  switch (problem.kind) {
    case 'unknown':
      return overrideDiagnostic(argument, `"${problem.name}" is not in ${problem.within}`, expectedOneOf(problem.name, problem.known));
    case 'type':
      return overrideDiagnostic(argument, `${problem.param} is ${withArticle(problem.expected)}, but "${raw}" is ${withArticle(problem.found)}`, `Give ${withArticle(problem.expected)}.`);
    case 'not-a-map':
      return overrideDiagnostic(argument, `${problem.param} is not a map, so it has no "${problem.next}"`);
  }
}

/**
 * Applies `--set params.path=value` (the `params.` prefix is optional) like `dvc exp run --set-param`.
 * Values are parsed as YAML, so `--set n=5` is a number; the new value must have the type of the old one,
 * and text that is not valid YAML is refused (quote it to pass it as a string).
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
    const name = argument.slice(0, eq);
    const path = name.replace(/^params\./, '').split('.');
    const raw = argument.slice(eq + 1);
    const parsed = parseOverrideValue(name, raw);
    if (!('value' in parsed)) {
      problems.push(overrideDiagnostic(argument, parsed.message, parsed.hint, parsed.code));
      continue;
    }
    const problem = assignParam(params, path, parsed.value);
    if (problem) problems.push(problemDiagnostic(argument, raw, problem));
  }
  if (problems.length > 0) throw new WorkflowError(problems);
  return { ...spec, params };
}
