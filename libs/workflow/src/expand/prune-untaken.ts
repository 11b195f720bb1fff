import type { UntakenReference } from '../compile/dependencies.js';
import { stepReferencesByBranch } from '../compile/dependencies.js';
import type { InstanceNode } from '../compile/workflow-graph.js';
import type { DecideCondition } from '../expressions/index.js';
import type { SourceDocument } from '../source/index.js';

/**
 * Drops the instance's edges to upstream steps it reads only in branches its own matrix values rule out,
 * so it neither waits for them nor is skipped with them. The matrix values inherited through such an edge
 * stay in its name: the join happened before the branch could be known.
 */
export function pruneUntakenEdges(instance: InstanceNode, doc: SourceDocument, decide: DecideCondition): { instance: InstanceNode; untaken: UntakenReference[] } {
  const step = instance.step;
  const live = new Set(step.spec.needs);
  const untaken = new Map<string, UntakenReference>();
  for (const scanned of step.expressions) {
    const branches = stepReferencesByBranch(scanned, doc, decide);
    for (const id of branches.liveSteps) live.add(id);
    for (const [upstream, reference] of branches.untaken) if (!untaken.has(upstream)) untaken.set(upstream, reference);
  }
  const dropped = [...step.dependencies.keys()].filter((id) => !live.has(id));
  if (dropped.length === 0) return { instance, untaken: [] };
  const each = Object.fromEntries(Object.entries(instance.each).filter(([id]) => live.has(id)));
  const all = Object.fromEntries(Object.entries(instance.all).filter(([id]) => live.has(id)));
  const upstream = [...new Set([...Object.values(each), ...Object.values(all).flat()])];
  return { instance: { ...instance, each, all, upstream }, untaken: dropped.flatMap((id) => (untaken.has(id) ? [untaken.get(id)!] : [])) };
}
