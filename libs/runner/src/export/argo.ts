import { createHash } from 'node:crypto';
import type { CompiledStep, InstanceNode, InstanceResources, WorkflowGraph } from '@veriflow/workflow';
import type { PlannedInstance } from '../plan/plan-workflow.js';

/** How the exported Workflow runs veriflow: what the CLI passes through from `veriflow export`. */
export interface ArgoExportOptions {
  /** The workflow file as the container sees it, relative to the volume's root (its working directory). */
  readonly workflowFile: string;
  /** veriflow's CLI entry (`apps/cli/dist/main.js`) relative to the volume's root: the default of the `cli` parameter. */
  readonly cliPath: string;
  readonly preset: string | undefined;
  /** `--set NAME=VALUE` as given, passed on to every task. */
  readonly sets: readonly string[];
  /** `--only` as given: the last task runs only these steps (and their upstream) too. */
  readonly only: readonly string[] | undefined;
}

/** An Argo Workflow (argoproj.io/v1alpha1) as plain data, ready for YAML or JSON. */
export type ArgoWorkflow = Record<string, unknown>;

/** Where the shared volume is mounted in every pod: the working directory and the veriflow workspace. */
const MOUNT = '/workspace';
const VOLUME = 'workspace';
/** Slack over the attempts' own timeouts for Node start-up, planning and writing the record. */
const DEADLINE_SLACK_S = 60;
/** Room for a hash suffix inside Kubernetes' 63-character names (pod names add the workflow's own). */
const MAX_SLUG = 40;
const ENTRYPOINT = 'main';
const RESULTS_TASK = 'veriflow-results';

/**
 * A DNS-label-style name for a task or template: lower-case letters, digits and '-'. A name that is not
 * already one gets a hash of the original appended, so two names that sanitise alike stay distinct, and
 * a name keeps its task name from one export to the next whatever else the workflow holds.
 */
export function argoName(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, MAX_SLUG).replace(/-+$/, '');
  if (slug === name && slug.length > 0 && /^[a-z]/.test(slug)) return slug;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${/^[a-z]/.test(slug) ? slug : `i-${slug}`.replace(/-+$/, '')}-${hash}`;
}

/** Unique task names for `names`, refusing the (astronomically unlikely) case where two still collide. */
function taskNames(names: readonly string[]): Map<string, string> {
  const byTask = new Map<string, string>();
  const out = new Map<string, string>();
  for (const name of [...names, RESULTS_TASK]) {
    const task = name === RESULTS_TASK ? RESULTS_TASK : argoName(name);
    const other = byTask.get(task);
    if (other !== undefined) throw new Error(`Argo export: instances "${other}" and "${name}" both become task name "${task}"; rename one of the steps`);
    byTask.set(task, name);
    out.set(name, task);
  }
  return out;
}

/** The CLI's own arguments every task repeats, so each pod compiles the same expanded DAG. */
function configurationArgs(options: ArgoExportOptions): string[] {
  return [...(options.preset === undefined ? [] : ['--preset', options.preset]), ...options.sets.flatMap((set) => ['--set', set])];
}

/** requests/limits: CPUs and memory requested as declared, GPUs as `nvidia.com/gpu` (Kubernetes wants GPUs in limits). */
function podResources({ cpus, gpu, memoryMb }: InstanceResources): Record<string, Record<string, string>> {
  const requests: Record<string, string> = { cpu: String(cpus) };
  const limits: Record<string, string> = {};
  if (memoryMb !== undefined) requests.memory = limits.memory = `${memoryMb}Mi`;
  if (gpu > 0) requests['nvidia.com/gpu'] = limits['nvidia.com/gpu'] = String(gpu);
  return Object.keys(limits).length > 0 ? { requests, limits } : { requests };
}

function container(args: readonly string[], resources: InstanceResources | undefined): Record<string, unknown> {
  return {
    image: '{{workflow.parameters.image}}',
    command: ['node', '{{workflow.parameters.cli}}'],
    args,
    workingDir: MOUNT,
    volumeMounts: [{ name: VOLUME, mountPath: MOUNT }],
    ...(resources ? { resources: podResources(resources) } : {}),
  };
}

/**
 * One container template per step; the task names the instance. Inside the pod `veriflow run --only
 * INSTANCE` runs that instance (its upstream is already cached on the volume) with the step's own
 * `retries` and `timeout`, so Argo retries only what veriflow cannot see (`OnError`: the pod evicted, its
 * node lost) and the deadline covers every attempt.
 */
function stepTemplate({ step, resources, name }: StepTemplate, options: ArgoExportOptions): Record<string, unknown> {
  const { retries, timeoutMs } = step.spec;
  const args = ['run', options.workflowFile, '--workspace', MOUNT, ...configurationArgs(options), '--only', '{{inputs.parameters.instance}}', '--no-expect-fail'];
  return {
    name,
    inputs: { parameters: [{ name: 'instance' }] },
    container: container(args, resources),
    // Both are IntOrString, which Argo's published schema types as a string.
    ...(retries > 0 ? { retryStrategy: { limit: String(retries), retryPolicy: 'OnError' } } : {}),
    ...(timeoutMs === undefined ? {} : { activeDeadlineSeconds: String(Math.ceil(timeoutMs / 1000) * (retries + 1) + DEADLINE_SLACK_S) }),
  };
}

interface StepTemplate {
  readonly step: CompiledStep;
  readonly resources: InstanceResources;
  readonly name: string;
}

/**
 * One template per step and resource set: `resources:` may be an expression over matrix values, and a pod's
 * requests belong to its template, so a step whose instances ask for different resources gets one
 * template for each (`step-train`, `step-train--2`, …).
 */
function stepTemplates(instances: readonly InstanceNode[]): { list: StepTemplate[]; of: Map<string, string> } {
  const list: StepTemplate[] = [];
  const byKey = new Map<string, StepTemplate>();
  const of = new Map<string, string>();
  for (const instance of instances) {
    const { cpus, gpu, memoryMb } = instance.resources;
    const key = JSON.stringify([instance.step.spec.id, cpus, gpu, memoryMb ?? null]);
    let template = byKey.get(key);
    if (template === undefined) {
      const siblings = list.filter((other) => other.step === instance.step).length;
      template = { step: instance.step, resources: instance.resources, name: `step-${argoName(instance.step.spec.id)}${siblings === 0 ? '' : `--${siblings + 1}`}` };
      byKey.set(key, template);
      list.push(template);
    }
    of.set(instance.name, template.name);
  }
  return { list, of };
}

/**
 * The expanded DAG of `graph` as an Argo Workflow: one DAG task per instance the plan runs or finds cached
 * (not those `if:` skips), its dependencies the instance graph's, then one last task that runs the whole
 * workflow again (everything cached by then) to write results.json and figures and check the expectations.
 */
export function argoWorkflow(graph: WorkflowGraph, planned: readonly PlannedInstance[], options: ArgoExportOptions): ArgoWorkflow {
  const exported = planned.filter((item) => item.runs || item.reason.kind === 'cached').map((item) => graph.byName.get(item.name)!);
  const names = taskNames(exported.map((instance) => instance.name));
  const templates = stepTemplates(exported);
  const downstream = new Set(exported.flatMap((instance) => instance.upstream));
  const tasks: Record<string, unknown>[] = exported.map((instance) => {
    const dependencies = instance.upstream.filter((name) => names.has(name)).map((name) => names.get(name)!);
    return {
      name: names.get(instance.name)!,
      template: templates.of.get(instance.name)!,
      arguments: { parameters: [{ name: 'instance', value: instance.name }] },
      ...(dependencies.length > 0 ? { dependencies } : {}),
    };
  });
  const leaves = exported.filter((instance) => !downstream.has(instance.name)).map((instance) => names.get(instance.name)!);
  tasks.push({ name: RESULTS_TASK, template: RESULTS_TASK, ...(leaves.length > 0 ? { dependencies: leaves } : {}) });
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${argoName(graph.spec.name)}-`, labels: { 'veriflow.dev/workflow': argoName(graph.spec.name) } },
    spec: {
      entrypoint: ENTRYPOINT,
      arguments: {
        parameters: [
          { name: 'pvc', value: 'veriflow-workspace', description: 'PersistentVolumeClaim holding the project (workflow file, this checkout) and the .veriflow workspace' },
          { name: 'image', value: 'node:20-bookworm', description: 'container image with Node.js 20; veriflow itself runs from the checkout on the volume' },
          { name: 'cli', value: options.cliPath, description: "veriflow's CLI entry, relative to the volume's root" },
        ],
      },
      volumes: [{ name: VOLUME, persistentVolumeClaim: { claimName: '{{workflow.parameters.pvc}}' } }],
      templates: [
        { name: ENTRYPOINT, dag: { tasks } },
        ...templates.list.map((template) => stepTemplate(template, options)),
        { name: RESULTS_TASK, container: container(['run', options.workflowFile, '--workspace', MOUNT, ...configurationArgs(options), ...(options.only ? ['--only', options.only.join(',')] : [])], undefined) },
      ],
    },
  };
}
