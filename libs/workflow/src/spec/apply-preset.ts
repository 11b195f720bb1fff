import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { WorkflowError, commandLineSpan } from '../diagnostics/diagnostic.js';
import { expectedOneOf } from '../diagnostics/suggest.js';
import { assignParam } from './param-assignment.js';
import type { AssignmentProblem } from './param-assignment.js';
import type { PresetSpec, WorkflowSpec } from './workflow-spec.js';

export interface ResolvedPreset {
  readonly params: Record<string, unknown>;
  /** Each entry of the preset that could not be applied, by its NAME as written. */
  readonly problems: readonly { readonly name: string; readonly problem: AssignmentProblem }[];
}

/** The defaults with a preset's values applied in file order, each as `--set NAME=VALUE` would apply it. */
export function resolvePreset(params: Readonly<Record<string, unknown>>, preset: PresetSpec): ResolvedPreset {
  const resolved = structuredClone(params) as Record<string, unknown>;
  const problems: { name: string; problem: AssignmentProblem }[] = [];
  for (const [name, value] of Object.entries(preset.params)) {
    const problem = assignParam(resolved, name.split('.'), structuredClone(value));
    if (problem) problems.push({ name, problem });
  }
  return { params: resolved, problems };
}

/** `--preset NAME` naming no preset: on the command line, like a bad `--set`. */
function unknownPresetDiagnostic(spec: WorkflowSpec, name: string): Diagnostic {
  const argument = `--preset ${name}`;
  const known = Object.keys(spec.presets);
  return {
    code: 'UNKNOWN_PRESET',
    span: commandLineSpan(argument),
    message: `"${name}" is not a preset of ${spec.file}`,
    hint: known.length ? expectedOneOf(name, known) : `${spec.file} declares no presets; leave out --preset, or add them under presets:.`,
  };
}

/**
 * The spec with preset `name` applied to its params (undefined: the defaults, unchanged). Presets are
 * checked when the workflow is loaded, so only an unknown name can fail here.
 */
export function applyPreset(spec: WorkflowSpec, name: string | undefined): WorkflowSpec {
  if (name === undefined) return spec;
  const preset = Object.hasOwn(spec.presets, name) ? spec.presets[name] : undefined;
  if (!preset) throw new WorkflowError([unknownPresetDiagnostic(spec, name)]);
  const { params, problems } = resolvePreset(spec.params, preset);
  if (problems.length > 0) throw new Error(`internal: preset "${name}" of ${spec.file} was applied without being checked`);
  return { ...spec, params, preset: name };
}
