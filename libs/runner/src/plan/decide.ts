import type { InstanceNode, WorkflowGraph } from '@veriflow/workflow';
import { conditionHolds, resolveInstance } from '../cache/resolve-instance.js';
import type { ResolvedInstance } from '../cache/resolve-instance.js';
import { explainChange } from '../cache/key-entry.js';
import type { KeyEntry } from '../cache/key-entry.js';
import type { IncompleteMarkers, InstanceRecord, InstanceRecords, ObjectStore } from '../store/index.js';
import type { PlanReason } from './reasons.js';

export interface DecisionContext {
  readonly graph: WorkflowGraph;
  /** The process environment with the workflow's `env` on top (see workflowEnvironment). */
  readonly env: Readonly<Record<string, string>>;
  readonly objects: ObjectStore;
  readonly records: InstanceRecords;
  readonly markers: IncompleteMarkers;
  /** Key entries from the workflow's lock file, by instance name. */
  readonly previous: ReadonlyMap<string, KeyEntry>;
  readonly forced: (instance: InstanceNode) => boolean;
}

export type Decision =
  | { readonly runs: false; readonly reason: PlanReason; readonly resolved?: ResolvedInstance; readonly record?: InstanceRecord }
  | { readonly runs: true; readonly reason: PlanReason; readonly resolved: ResolvedInstance };

/**
 * Decides one instance whose upstream instances all have records: skipped by its condition, served from
 * the cache, or run, and why. The planner and the runner both call this, so a plan never lies.
 */
export async function decideInstance(context: DecisionContext, instance: InstanceNode, upstreamRecords: ReadonlyMap<string, InstanceRecord>): Promise<Decision> {
  if (!conditionHolds(context.graph, instance, context.env, upstreamRecords, context.objects)) return { runs: false, reason: { kind: 'condition-false' } };
  const resolved = resolveInstance(context.graph, instance, context.env, upstreamRecords, context.objects);
  if (context.forced(instance)) return { runs: true, reason: { kind: 'forced' }, resolved };
  const inspected = await context.records.inspect(resolved.key);
  if (inspected.status === 'hit') return { runs: false, reason: { kind: 'cached' }, resolved, record: inspected.record };
  if (inspected.reason === 'outputs-missing' || inspected.reason === 'outputs-corrupt') return { runs: true, reason: { kind: inspected.reason, detail: inspected.detail ?? 'an output is damaged in the store' }, resolved };
  const marker = await context.markers.readIncomplete(resolved.key);
  if (marker) return { runs: true, reason: marker.error === undefined ? { kind: 'incomplete', runId: marker.runId } : { kind: 'failed', runId: marker.runId, error: marker.error }, resolved };
  return { runs: true, reason: explainChange(context.previous.get(instance.name), resolved.entry), resolved };
}
