import { describeReplication, describeUntaken, REPLICATE_AXIS, summarizeReplication } from '@veriflow/workflow';
import type { WorkflowGraph } from '@veriflow/workflow';

export type GraphFormat = 'text' | 'mermaid' | 'dot';

const edgesOf = (graph: WorkflowGraph): [string, string][] => graph.instances.flatMap((instance) => instance.upstream.map((from): [string, string] => [from, instance.name]));

function text(graph: WorkflowGraph): string {
  const replication = summarizeReplication(graph);
  const lines: string[] = replication ? [describeReplication(replication), ''] : [];
  const untaken = describeUntaken(graph);
  if (untaken.length > 0) lines.push(...untaken, '');
  for (const step of graph.steps) {
    const instances = graph.instances.filter((instance) => instance.step === step);
    const deps = [...step.dependencies].map(([id, mode]) => (mode === 'all' ? `${id} (all)` : id));
    const axis = replication && step.coordinateKeys.includes(REPLICATE_AXIS) ? `  (${REPLICATE_AXIS} ×${replication.count})` : '';
    lines.push(`${step.spec.id}  ${step.spec.uses}  ×${instances.length}${axis}${deps.length ? `  ← ${deps.join(', ')}` : ''}`);
    for (const instance of instances) {
      lines.push(`  ${instance.name}${instance.upstream.length ? `  ← ${instance.upstream.join(', ')}` : ''}`);
    }
  }
  return lines.join('\n');
}

function mermaid(graph: WorkflowGraph): string {
  const ids = new Map(graph.instances.map((instance, index) => [instance.name, `n${index}`]));
  return [
    'flowchart LR',
    ...graph.instances.map((instance) => `  ${ids.get(instance.name)}["${instance.name.replace(/"/g, '#quot;')}"]`),
    ...edgesOf(graph).map(([from, to]) => `  ${ids.get(from)} --> ${ids.get(to)}`),
  ].join('\n');
}

function dot(graph: WorkflowGraph): string {
  const quote = (name: string): string => JSON.stringify(name);
  return [
    'digraph veriflow {',
    '  rankdir=LR;',
    ...graph.instances.map((instance) => `  ${quote(instance.name)} [label=${quote(`${instance.name}\n${instance.step.spec.uses}`)}];`),
    ...edgesOf(graph).map(([from, to]) => `  ${quote(from)} -> ${quote(to)};`),
    '}',
  ].join('\n');
}

export function renderGraph(graph: WorkflowGraph, format: GraphFormat): string {
  return { text, mermaid, dot }[format](graph);
}
