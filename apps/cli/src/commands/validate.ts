import type { RunArgs } from '../args.js';
import { openWorkflow } from '../load/open-workflow.js';

export async function validateCommand(args: RunArgs): Promise<number> {
  const opened = await openWorkflow(args.file, args.sets);
  process.stdout.write(`✓ ${args.file}: ${opened.graph.steps.length} steps, ${opened.graph.instances.length} instances, no problems found\n`);
  return 0;
}
