import type { UntakenBranch, WorkflowGraph } from './workflow-graph.js';

function describeOne(branch: UntakenBranch): string {
  const who = branch.instances === undefined ? branch.step : branch.instances.length === 1 ? branch.instances[0]! : `${branch.instances[0]} and ${branch.instances.length - 1} more`;
  const [verb, pronoun] = branch.instances !== undefined && branch.instances.length > 1 ? ['do', 'they read'] : ['does', 'it reads'];
  return `  ${who} ${verb} not depend on ${branch.upstream}: ${pronoun} steps.${branch.upstream} only in a branch not taken (${branch.condition} is ${branch.value})`;
}

/** The lines plan and graph print about dependencies that branches not taken removed; empty when none. */
export function describeUntaken(graph: WorkflowGraph): string[] {
  if (graph.untaken.length === 0) return [];
  return ['untaken branches (known before the run, so no dependency and no skip):', ...graph.untaken.map(describeOne)];
}
