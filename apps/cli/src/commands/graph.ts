import type { RunArgs } from '../args.js';
import { openWorkflow } from '../load/open-workflow.js';
import { renderGraph } from '../render/graph-formats.js';
import type { GraphFormat } from '../render/graph-formats.js';
import { UsageError } from '../usage-error.js';

const FORMATS: readonly GraphFormat[] = ['text', 'mermaid', 'dot'];

export async function graphCommand(args: RunArgs): Promise<number> {
  if (!FORMATS.includes(args.format as GraphFormat)) throw new UsageError(`--format ${args.format} is not supported; use one of ${FORMATS.join(', ')}`);
  const opened = await openWorkflow(args.file, { preset: args.preset, overrides: args.sets });
  process.stdout.write(`${renderGraph(opened.graph, args.format as GraphFormat)}\n`);
  return 0;
}
