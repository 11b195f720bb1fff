import type { Selection } from '@veriflow/runner';
import type { WorkflowGraph } from '@veriflow/workflow';
import { expectedOneOf } from '@veriflow/workflow';
import type { RunArgs } from '../args.js';
import { UsageError } from '../usage-error.js';

/** `--only` (step ids or instance names) and `--force` (step ids) as a Selection, refusing names the workflow does not have. */
export function selectionFrom(args: RunArgs, graph: WorkflowGraph): Selection {
  const ids = graph.steps.map((step) => step.spec.id);
  const check = (flag: string, names: Iterable<string>, instances: boolean): void => {
    for (const name of names) {
      if (ids.includes(name) || (instances && graph.byName.has(name))) continue;
      throw new UsageError(`${flag} ${name}: there is no step${instances ? ' or instance' : ''} "${name}"; ${expectedOneOf(name, ids)}`);
    }
  };
  if (args.only) check('--only', args.only, true);
  if (args.force instanceof Set) check('--force', args.force, false);
  return { ...(args.only ? { only: args.only } : {}), ...(args.force ? { force: args.force } : {}) };
}
