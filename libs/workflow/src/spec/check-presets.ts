import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { expectedOneOf } from '../diagnostics/suggest.js';
import type { SourceDocument } from '../source/index.js';
import { resolvePreset } from './apply-preset.js';
import { withArticle } from './param-assignment.js';
import type { AssignmentProblem } from './param-assignment.js';
import type { PresetSpec, WorkflowSpec } from './workflow-spec.js';

/** A value as written, shortened for a message. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function presetDiagnostic(preset: PresetSpec, name: string, problem: AssignmentProblem, doc: SourceDocument): Diagnostic {
  const path = ['presets', preset.name, 'params', name];
  const which = `preset "${preset.name}"`;
  switch (problem.kind) {
    case 'unknown': {
      const top = problem.within === 'params';
      return {
        code: 'UNKNOWN_PARAM',
        span: doc.locate(path, 'key'),
        message: top && name === problem.name ? `${which} sets "${name}", which is not in params` : `${which} sets "${name}", but "${problem.name}" is not in ${problem.within}`,
        hint: problem.known.length ? expectedOneOf(problem.name, problem.known) : `${top ? 'Declare it under params first' : `Add it to ${problem.within} first`}: a preset only changes values that params declares.`,
      };
    }
    case 'type':
      return {
        code: 'INVALID_VALUE',
        span: doc.locate(path),
        message: `${problem.param} is ${withArticle(problem.expected)}, but ${which} sets it to ${shown(preset.params[name])}, ${withArticle(problem.found)}`,
        hint: `Give ${withArticle(problem.expected)}, like its default.`,
      };
    case 'not-a-map':
      return {
        code: 'UNKNOWN_PARAM',
        span: doc.locate(path, 'key'),
        message: `${which} sets "${name}", but ${problem.param} is not a map, so it has no "${problem.next}"`,
        hint: `Set ${problem.param} itself, or make its default a map.`,
      };
  }
}

/**
 * Checks every preset against params by the rules of `--set` (known names, the type of the default),
 * so a broken preset is found whether or not it is chosen. Each problem points at the preset's key or value.
 */
export function checkPresets(spec: WorkflowSpec, doc: SourceDocument): Diagnostic[] {
  return Object.values(spec.presets).flatMap((preset) =>
    resolvePreset(spec.params, preset).problems.map(({ name, problem }) => presetDiagnostic(preset, name, problem, doc)),
  );
}
