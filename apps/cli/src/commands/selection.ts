import type { Selection } from '@veriflow/runner';
import type { WorkflowGraph } from '@veriflow/workflow';
import { expectedOneOf } from '@veriflow/workflow';
import type { RunArgs } from '../args.js';
import { UsageError } from '../usage-error.js';

/** `--only` and `--force` as a Selection, refusing step ids the workflow does not have. */
export function selectionFrom(args: RunArgs, graph: WorkflowGraph): Selection {
  const ids = graph.steps.map((step) => step.spec.id);
  const check = (flag: string, names: Iterable<string>): void => {
    for (const name of names) if (!ids.includes(name)) throw new UsageError(`${flag} ${name}: there is no step "${name}"; ${expectedOneOf(name, ids)}`);
  };
  if (args.only) check('--only', args.only);
  if (args.force instanceof Set) check('--force', args.force);
  return { ...(args.only ? { only: args.only } : {}), ...(args.force ? { force: args.force } : {}) };
}
