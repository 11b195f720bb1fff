import type { InstanceResources } from '../compile/workflow-graph.js';
import { RESOURCE_KEYS } from '../compile/scan-expressions.js';
import type { StepKindInfo } from '../compile/step-catalog.js';
import type { ResourcesSpec } from '../spec/workflow-spec.js';
import { evaluateTemplate } from './evaluate-template.js';
import type { Lookup } from './evaluate-template.js';

type Field = keyof typeof RESOURCE_KEYS;

const DEFAULTS: InstanceResources = { cpus: 1, gpu: 0, memoryMb: undefined };

/** What each field must be, said as the error says it. */
const RULES: Record<Field, { readonly fits: (value: number) => boolean; readonly rule: string }> = {
  cpus: { fits: (value) => value > 0, rule: 'a number of CPU cores above 0' },
  gpu: { fits: (value) => Number.isInteger(value) && value >= 0, rule: 'a whole number of GPUs, 0 or more' },
  memoryMb: { fits: (value) => Number.isInteger(value) && value >= 1, rule: 'a whole number of MiB, 1 or more' },
};

export interface ResourceProblem {
  /** As the workflow file writes it: `gpu`, `memory_mb`. */
  readonly field: string;
  readonly message: string;
}

/**
 * One instance's resources: each field the workflow gives (a number, or an expression evaluated with the
 * instance's params, seed and matrix values), else the step kind's default, else veriflow's. A value that
 * is no valid amount is a problem, and the default stands in so the remaining checks can go on.
 */
export function resolveResources(written: ResourcesSpec, kind: StepKindInfo | undefined, lookup: Lookup): { resources: InstanceResources; problems: ResourceProblem[] } {
  const problems: ResourceProblem[] = [];
  const resolved: Record<Field, number | undefined> = { ...DEFAULTS };
  for (const field of Object.keys(RESOURCE_KEYS) as Field[]) {
    const given = written[field] ?? kind?.resources?.[field];
    if (given === undefined) continue;
    let value: unknown;
    try {
      value = typeof given === 'string' ? evaluateTemplate(given, lookup) : given;
    } catch (error) {
      problems.push({ field: RESOURCE_KEYS[field], message: (error as Error).message });
      continue;
    }
    if (typeof value === 'number' && RULES[field].fits(value)) resolved[field] = value;
    else problems.push({ field: RESOURCE_KEYS[field], message: `gives ${JSON.stringify(value)}, but must be ${RULES[field].rule}` });
  }
  return { resources: { cpus: resolved.cpus!, gpu: resolved.gpu!, memoryMb: resolved.memoryMb }, problems };
}
