import { applyOverrides } from './apply-overrides.js';
import { applyPreset } from './apply-preset.js';
import type { WorkflowSpec } from './workflow-spec.js';

/** What the command line chose for params. */
export interface ParamChoice {
  /** `--preset NAME`, at most one. */
  readonly preset?: string | undefined;
  /** `--set NAME=VALUE` arguments, as typed. */
  readonly overrides?: readonly string[];
}

/** The params a run uses: the defaults, then the preset, then every `--set`, in that order. */
export function resolveParams(spec: WorkflowSpec, choice: ParamChoice): WorkflowSpec {
  return applyOverrides(applyPreset(spec, choice.preset), choice.overrides ?? []);
}
