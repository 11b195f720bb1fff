import { WorkflowError } from '../diagnostics/diagnostic.js';
import { parseWorkflowSource } from '../source/index.js';
import type { SourceDocument } from '../source/index.js';
import { validateAgainstSchema } from '../validation/index.js';
import { checkPresets } from './check-presets.js';
import { durationToMs } from './duration.js';
import { checkRetryBackoffs, toRetryBackoff } from './retry-backoff.js';
import { workflowSchema } from './workflow-schema.js';
import type { ExecutorSpec, ExpectationSpec, MatrixSpec, PresetSpec, StepSpec, WorkflowSpec } from './workflow-spec.js';

export interface LoadedWorkflow {
  readonly spec: WorkflowSpec;
  readonly doc: SourceDocument;
}

type Raw = Record<string, unknown>;

/** Workflow text → validated spec with defaults. Throws WorkflowError with every problem found. */
export function loadWorkflow(text: string, file: string): LoadedWorkflow {
  const doc = parseWorkflowSource(text, file);
  if (doc.diagnostics.length > 0) throw new WorkflowError(doc.diagnostics);
  const problems = validateAgainstSchema(workflowSchema, doc.value, { doc, basePath: [] });
  if (problems.length > 0) throw new WorkflowError(problems);
  const spec = toSpec(doc.value as Raw, file);
  const specProblems = [...checkRetryBackoffs(spec, doc), ...checkPresets(spec, doc)];
  if (specProblems.length > 0) throw new WorkflowError(specProblems);
  return { spec, doc };
}

function toExecutorSpec(raw: Raw): ExecutorSpec {
  return {
    kind: raw.kind as ExecutorSpec['kind'],
    partition: raw.partition as string | undefined,
    account: raw.account as string | undefined,
    qos: raw.qos as string | undefined,
    extraArgs: (raw.extra_args as string[] | undefined) ?? [],
    array: (raw.array as ExecutorSpec['array'] | undefined) ?? 'auto',
  };
}

function toSpec(raw: Raw, file: string): WorkflowSpec {
  const steps = Object.entries(raw.steps as Record<string, Raw>).map(([id, step]) => toStepSpec(id, step));
  return {
    file,
    name: raw.name as string,
    description: (raw.description as string | undefined) ?? '',
    seed: (raw.seed as number | undefined) ?? 0,
    replicates: (raw.replicates as number | string | undefined) ?? 1,
    params: (raw.params as Raw | undefined) ?? {},
    presets: Object.fromEntries(Object.entries((raw.presets as Record<string, Raw> | undefined) ?? {}).map(([name, preset]) => [name, toPresetSpec(name, preset)])),
    preset: undefined,
    env: (raw.env as Record<string, string> | undefined) ?? {},
    plugins: (raw.plugins as string[] | undefined) ?? [],
    tracking: {
      experiment: (raw.tracking as Raw | undefined)?.experiment as string | undefined,
      uri: (raw.tracking as Raw | undefined)?.uri as string | undefined,
    },
    executor: toExecutorSpec((raw.executor as Raw | undefined) ?? {}),
    steps,
    expectations: Object.entries((raw.expect as Record<string, Raw> | undefined) ?? {}).map(([name, expectation]) => toExpectationSpec(name, expectation)),
  };
}

function toExpectationSpec(name: string, raw: Raw): ExpectationSpec {
  return {
    name,
    that: raw.that as string,
    message: raw.message as string | undefined,
    tolerance: raw.tolerance as number | undefined,
    values: (raw.values as Record<string, string> | undefined) ?? {},
    if: (raw.if as boolean | string | undefined) ?? true,
  };
}

function toPresetSpec(name: string, raw: Raw): PresetSpec {
  return { name, description: (raw.description as string | undefined) ?? '', params: raw.params as Raw };
}

function toStepSpec(id: string, raw: Raw): StepSpec {
  const resources = (raw.resources as Raw | undefined) ?? {};
  const needs = raw.needs === undefined ? [] : typeof raw.needs === 'string' ? [raw.needs] : (raw.needs as string[]);
  return {
    id,
    uses: raw.uses as string,
    description: (raw.description as string | undefined) ?? '',
    with: (raw.with as Raw | undefined) ?? {},
    needs,
    matrix: raw.matrix === undefined ? undefined : toMatrixSpec(raw.matrix as Raw),
    replicate: (raw.replicate as boolean | undefined) ?? false,
    retries: (raw.retries as number | undefined) ?? 0,
    retryBackoff: toRetryBackoff(raw['retry-backoff'] as Parameters<typeof toRetryBackoff>[0]),
    timeoutMs: raw.timeout === undefined ? undefined : durationToMs(raw.timeout as number | string),
    resources: {
      cpus: resources.cpus as number | string | undefined,
      gpu: resources.gpu as number | string | undefined,
      memoryMb: resources.memory_mb as number | string | undefined,
    },
    if: (raw.if as boolean | string | undefined) ?? true,
    continueOnError: (raw['continue-on-error'] as boolean | undefined) ?? false,
    env: (raw.env as Record<string, string> | undefined) ?? {},
  };
}

function toMatrixSpec(raw: Raw): MatrixSpec {
  const { include, exclude, ...axes } = raw;
  return {
    axes: axes as Record<string, unknown[] | string>,
    include: (include as Raw[] | undefined) ?? [],
    exclude: (exclude as Raw[] | undefined) ?? [],
  };
}
