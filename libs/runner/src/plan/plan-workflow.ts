import { conditionAtPlanTime } from '@veriflow/workflow';
import type { InstanceNode, InstanceResources, WorkflowGraph } from '@veriflow/workflow';
import { workflowEnvironment } from '../cache/resolve-instance.js';
import type { InstanceRecord } from '../store/index.js';
import { selectInstances } from '../execute/selection.js';
import type { Selection } from '../execute/selection.js';
import { decideInstance } from './decide.js';
import type { DecisionContext } from './decide.js';
import type { PlanReason } from './reasons.js';
import { blockedReason, reasonRuns, skippedByCondition } from './reasons.js';

export interface PlannedInstance {
  readonly name: string;
  readonly step: string;
  readonly uses: string;
  readonly matrix: Readonly<Record<string, unknown>>;
  readonly reason: PlanReason;
  readonly runs: boolean;
  /** What it would be granted: the workflow's resources for its matrix values over the kind's defaults. */
  readonly resources: InstanceResources;
  /** Known when every upstream instance is cached. */
  readonly key?: string;
}

/**
 * What a run would do, without doing it. An instance downstream of one that runs cannot know its key yet
 * (its inputs do not exist), so it is reported as running because its upstream runs.
 */
export async function planWorkflow(graph: WorkflowGraph, context: Omit<DecisionContext, 'forced' | 'graph'>, selection: Selection): Promise<PlannedInstance[]> {
  const selected = selectInstances(graph, selection);
  const records = new Map<string, InstanceRecord>();
  const planned = new Map<string, PlannedInstance>();
  const forced = (stepId: string): boolean => selection.force === 'all' || (selection.force?.has(stepId) ?? false);
  const decisionContext = { ...context, env: workflowEnvironment(graph, context.env), graph, forced: (node: InstanceNode) => forced(node.step.spec.id) };
  for (const instance of graph.instances) {
    if (!selected.has(instance.name)) continue;
    const base = { name: instance.name, step: instance.step.spec.id, uses: instance.step.spec.uses, matrix: instance.coordinates, resources: instance.resources };
    const upstream = instance.upstream.map((name) => planned.get(name)!);
    const consumedOneByOne = new Set(Object.values(instance.each));
    // As the run decides it: a fan-in (or `needs`) goes on without the instances skipped on purpose.
    const notRun = upstream.filter((item) => !item.runs && item.reason.kind !== 'cached' && (consumedOneByOne.has(item.name) || !skippedByCondition(item.reason)));
    const running = upstream.filter((item) => item.runs).map((item) => item.name);
    let entry: PlannedInstance;
    if (conditionAtPlanTime(graph, instance) === false) entry = { ...base, reason: { kind: 'condition-false' }, runs: false };
    else if (notRun.length > 0) entry = { ...base, reason: blockedReason(notRun), runs: false };
    else if (running.length > 0) entry = { ...base, reason: forced(base.step) ? { kind: 'forced' } : { kind: 'upstream-runs', upstream: running }, runs: true };
    else {
      const decision = await decideInstance(decisionContext, instance, records);
      if (!decision.runs && decision.record) records.set(instance.name, decision.record);
      entry = { ...base, reason: decision.reason, runs: reasonRuns(decision.reason), ...(decision.resolved ? { key: decision.resolved.key } : {}) };
    }
    planned.set(instance.name, entry);
  }
  return [...planned.values()];
}
