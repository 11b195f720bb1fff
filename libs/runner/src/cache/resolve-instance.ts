import { deriveSeed } from '@veriflow/step-api';
import type { InstanceNode, OutputSource, WorkflowGraph } from '@veriflow/workflow';
import { evaluateCondition, evaluateTemplate, instanceLookup } from '@veriflow/workflow';
import type { InstanceRecord, ObjectStore } from '../store/index.js';
import { KEY_FORMAT, cacheKey } from './key-entry.js';
import type { KeyEntry } from './key-entry.js';
import { applyWithDefaults } from './with-validator.js';

/** Upstream outputs from their records; reading an artifact records it as an input. */
function recordSource(records: ReadonlyMap<string, InstanceRecord>, artifactValue: (digest: string) => string, inputs?: Record<string, string>): OutputSource {
  return {
    has: (name) => records.has(name),
    outputs(name) {
      const record = records.get(name);
      if (!record) throw new Error(`internal: no record for upstream instance ${name}`);
      const view: Record<string, unknown> = {};
      for (const [output, recorded] of Object.entries(record.outputs)) {
        Object.defineProperty(view, output, {
          enumerable: true,
          get: () => {
            if (recorded.kind === 'value') return recorded.value;
            if (inputs) inputs[`${name}.${output}`] = recorded.digest;
            return artifactValue(recorded.digest);
          },
        });
      }
      return view;
    },
  };
}

export interface ResolvedInstance {
  readonly key: string;
  readonly entry: KeyEntry;
  /** `with` as the step sees it: artifacts as absolute paths in the store. */
  readonly runWith: unknown;
  readonly seed: number;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The environment an instance sees: `workflowEnv` (the process's with the workflow's `env` on top, built
 * once per run), then the step's `env` (which may use expressions). Also returns what the workflow file
 * declares, which is part of the cache key (the process environment is not).
 */
function instanceEnv(graph: WorkflowGraph, instance: InstanceNode, workflowEnv: Readonly<Record<string, string>>, source: OutputSource): { env: Readonly<Record<string, string>>; declared: Record<string, string> } {
  const declared: Record<string, string> = { ...graph.spec.env };
  if (Object.keys(instance.step.spec.env).length === 0) return { env: workflowEnv, declared };
  const stepEnv = evaluateTemplate(instance.step.spec.env, instanceLookup(graph, instance, workflowEnv, source)) as Record<string, unknown>;
  for (const [name, value] of Object.entries(stepEnv)) declared[name] = String(value);
  return { env: { ...workflowEnv, ...declared }, declared };
}

/** The process environment with the workflow's `env` on top: what every instance starts from. */
export function workflowEnvironment(graph: WorkflowGraph, processEnv: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  return { ...processEnv, ...graph.spec.env };
}

/** Whether the instance's `if` holds, given its upstream records. */
export function conditionHolds(graph: WorkflowGraph, instance: InstanceNode, env: Readonly<Record<string, string>>, records: ReadonlyMap<string, InstanceRecord>, objects: ObjectStore): boolean {
  return evaluateCondition(instance.step.spec.if, instanceLookup(graph, instance, env, recordSource(records, (digest) => objects.pathOf(digest))));
}

/** Key and runnable `with` of an instance whose upstream instances all have records. */
export function resolveInstance(graph: WorkflowGraph, instance: InstanceNode, workflowEnv: Readonly<Record<string, string>>, records: ReadonlyMap<string, InstanceRecord>, objects: ObjectStore): ResolvedInstance {
  const runSource = recordSource(records, (digest) => objects.pathOf(digest));
  const { env, declared } = instanceEnv(graph, instance, workflowEnv, runSource);
  const inputs: Record<string, string> = {};
  const keyWith = evaluateTemplate(instance.step.spec.with, instanceLookup(graph, instance, env, recordSource(records, (digest) => digest, inputs)));
  const runWith = evaluateTemplate(instance.step.spec.with, instanceLookup(graph, instance, env, runSource));
  const seed = deriveSeed(graph.spec.seed, instance.name);
  const withValue = applyWithDefaults(instance.step.kind.withSchema, keyWith);
  const environment = instance.step.kind.environment?.(withValue as Readonly<Record<string, unknown>>);
  const entry: KeyEntry = {
    format: KEY_FORMAT,
    kind: instance.step.spec.uses,
    version: instance.step.kind.version,
    with: withValue,
    inputs,
    env: declared,
    seed,
    // Only instances with environment facts carry them, so every other key stays what it was.
    ...(environment && Object.keys(environment).length > 0 ? { environment } : {}),
  };
  return { key: cacheKey(entry), entry, runWith: applyWithDefaults(instance.step.kind.withSchema, runWith), seed, env };
}
