import type { RunArgs } from '../args.js';
import { openWorkflow, openWorkflowWithEveryPreset } from '../load/open-workflow.js';

/** Every check, nothing runs. Without --preset, the defaults and every preset are checked, so CI catches a broken preset. */
export async function validateCommand(args: RunArgs): Promise<number> {
  if (args.preset !== undefined) {
    const opened = await openWorkflow(args.file, { preset: args.preset, overrides: args.sets }, args.strict);
    process.stdout.write(`✓ ${args.file} with preset ${args.preset}: ${opened.graph.steps.length} steps, ${opened.graph.instances.length} instances, no problems found\n`);
    return 0;
  }
  const opened = await openWorkflowWithEveryPreset(args.file, args.sets, args.strict);
  const presets = [...opened.presets].map(([name, graph]) => `  preset ${name}: ${graph.instances.length} instances, no problems found\n`);
  process.stdout.write(`✓ ${args.file}: ${opened.graph.steps.length} steps, ${opened.graph.instances.length} instances, no problems found\n${presets.join('')}`);
  return 0;
}
