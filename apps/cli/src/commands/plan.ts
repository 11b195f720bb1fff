import type { PlannedInstance } from '@veriflow/runner';
import { describeReason, planWorkflow, readLockFile, unfitInstances, Workspace } from '@veriflow/runner';
import type { KeyEntry } from '@veriflow/runner';
import { describeReplication, describeUntaken, summarizeReplication } from '@veriflow/workflow';
import type { InstanceResources, WorkflowGraph } from '@veriflow/workflow';
import type { RunArgs } from '../args.js';
import { openWorkflow } from '../load/open-workflow.js';
import type { OpenedWorkflow } from '../load/open-workflow.js';
import { renderTable } from '../render/table.js';
import { capacityFrom, describeInventory } from './capacity.js';
import { selectionFrom } from './selection.js';

/** The environment as a plain object: spreading `process.env` itself is slow, and plans do it per instance. */
export function processEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Key entries from the workflow's lock file, to explain what changed since the last run. */
export async function previousEntries(workspace: Workspace, workflow: string): Promise<Map<string, KeyEntry>> {
  const lock = await readLockFile(workspace.layout.workflowLockFile(workflow));
  return new Map(Object.entries(lock?.instances ?? {}).map(([name, entry]) => [name, entry.entry]));
}

export async function computePlan(opened: OpenedWorkflow, args: RunArgs): Promise<PlannedInstance[]> {
  const workspace = new Workspace(args.workspace);
  return planWorkflow(
    opened.graph,
    { env: processEnv(), objects: workspace.objects, records: workspace.records, markers: workspace.markers, previous: await previousEntries(workspace, opened.graph.spec.name) },
    selectionFrom(args, opened.graph),
  );
}

/** `cpus=2 gpu=1 memory_mb=4096`, in the workflow file's words. */
export function describeResources(resources: InstanceResources): string {
  return `cpus=${resources.cpus} gpu=${resources.gpu}${resources.memoryMb === undefined ? '' : ` memory_mb=${resources.memoryMb}`}`;
}

/** The plan as a table, after lines saying how the workflow replicates and which references branches not taken drop, when they do. */
export function renderPlan(planned: readonly PlannedInstance[], graph: WorkflowGraph): string {
  const replication = summarizeReplication(graph);
  const untaken = describeUntaken(graph);
  const runs = planned.filter((item) => item.runs).length;
  const cached = planned.filter((item) => item.reason.kind === 'cached').length;
  // The column shows only where some instance asks for more than one CPU and nothing else.
  const sized = planned.some((item) => describeResources(item.resources) !== describeResources({ cpus: 1, gpu: 0, memoryMb: undefined }));
  const table = renderTable(
    ['instance', 'action', ...(sized ? ['resources'] : []), 'why'],
    planned.map((item) => [item.name, item.runs ? 'run' : item.reason.kind === 'cached' ? 'cached' : 'skip', ...(sized ? [describeResources(item.resources)] : []), describeReason(item.reason)]),
  );
  return `${replication ? `${describeReplication(replication)}\n\n` : ''}${untaken.length > 0 ? `${untaken.join('\n')}\n\n` : ''}${table}\n\n${planned.length} instances: ${runs} to run, ${cached} cached, ${planned.length - runs - cached} skipped`;
}

/** The plan as text, and what `run` on this machine would refuse before running anything (see CapacityError). */
export async function renderPlanHere(opened: OpenedWorkflow, args: RunArgs, planned: readonly PlannedInstance[]): Promise<string> {
  const machine = await capacityFrom(args);
  const unfit = unfitInstances(machine.capacity, opened.graph.instances, planned);
  if (unfit.length === 0) return renderPlan(planned, opened.graph);
  const lines = unfit.map((item) => `  ${item.name} ${item.problem}`);
  return `${renderPlan(planned, opened.graph)}\n\nveriflow run would refuse ${unfit.length} instance(s) on this machine, running nothing:\n${lines.join('\n')}\nGPU discovery: ${describeInventory(machine.inventory)}`;
}

export async function planCommand(args: RunArgs): Promise<number> {
  const opened = await openWorkflow(args.file, { preset: args.preset, overrides: args.sets }, args.strict);
  const planned = await computePlan(opened, args);
  process.stdout.write(args.json ? `${JSON.stringify(planned, null, 2)}\n` : `${await renderPlanHere(opened, args, planned)}\n`);
  return 0;
}
