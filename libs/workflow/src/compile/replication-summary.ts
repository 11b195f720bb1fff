import { REPLICATE_AXIS } from '../expand/replicates.js';
import type { WorkflowGraph } from './workflow-graph.js';

/** Where replication shows in a graph: which steps run once per replicate, and which fan-ins see them all. */
export interface ReplicationSummary {
  readonly count: number;
  /** Steps whose instances carry the replicate coordinate, in graph order. */
  readonly replicated: readonly string[];
  /** Steps that read every instance of a replicated step without being replicated themselves: they aggregate. */
  readonly aggregating: readonly string[];
}

/** Undefined when no step is replicated. */
export function summarizeReplication(graph: WorkflowGraph): ReplicationSummary | undefined {
  const isReplicated = (id: string): boolean => graph.steps.some((step) => step.spec.id === id && step.coordinateKeys.includes(REPLICATE_AXIS));
  const replicated = graph.steps.filter((step) => step.coordinateKeys.includes(REPLICATE_AXIS)).map((step) => step.spec.id);
  if (replicated.length === 0) return undefined;
  const aggregating = graph.steps
    .filter((step) => !step.coordinateKeys.includes(REPLICATE_AXIS) && [...step.dependencies].some(([id, mode]) => mode === 'all' && isReplicated(id)))
    .map((step) => step.spec.id);
  return { count: graph.replicates, replicated, aggregating };
}

/** `replicates: 3 (replicate = 1…3) on synth, verify; aggregated by curves`: the line plan and graph print. */
export function describeReplication(summary: ReplicationSummary): string {
  const values = summary.count === 1 ? 'replicate = 1' : `replicate = 1…${summary.count}`;
  const aggregated = summary.aggregating.length > 0 ? `; aggregated across replicates by ${summary.aggregating.join(', ')}` : '';
  return `replicates: ${summary.count} (${values}) on ${summary.replicated.join(', ')}${aggregated}`;
}
