import type { RunArgs } from '../args.js';
import { builtinRegistry } from '../load/builtin-steps.js';
import { renderTable } from '../render/table.js';

/** Lists the step kinds available without plugins. */
export async function stepsCommand(args: RunArgs): Promise<number> {
  const registry = builtinRegistry();
  const definitions = registry.names().map((name) => registry.get(name)!);
  if (args.json) process.stdout.write(`${JSON.stringify(definitions.map((d) => ({ name: d.name, version: d.version, description: d.description, with: d.with })), null, 2)}\n`);
  else process.stdout.write(`${renderTable(['kind', 'version', 'description'], definitions.map((d) => [d.name, d.version, d.description]))}\n`);
  return 0;
}
