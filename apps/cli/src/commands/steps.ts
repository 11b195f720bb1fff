import type { AnyStepDefinition, OutputSpecs } from '@veriflow/step-api';
import { outputsOf } from '@veriflow/step-api';
import type { RunArgs } from '../args.js';
import { builtinRegistry } from '../load/builtin-steps.js';
import { renderTable } from '../render/table.js';

/** What `veriflow steps --json` says about one kind. */
interface StepKindListing {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly with: object;
  /** Every output, or for kinds whose outputs depend on `with` (as `command`'s do), those that any `with` gives. */
  readonly outputs: OutputSpecs;
  readonly outputsDependOnWith: boolean;
}

function listing(definition: AnyStepDefinition): StepKindListing {
  const dependsOnWith = typeof definition.outputs === 'function';
  return {
    name: definition.name,
    version: definition.version,
    description: definition.description,
    with: definition.with,
    outputs: outputsOf(definition, {}),
    outputsDependOnWith: dependsOnWith,
  };
}

/** Lists the step kinds available without plugins. */
export async function stepsCommand(args: RunArgs): Promise<number> {
  const registry = builtinRegistry();
  const definitions = registry.names().map((name) => registry.get(name)!);
  if (args.json) process.stdout.write(`${JSON.stringify(definitions.map(listing), null, 2)}\n`);
  else process.stdout.write(`${renderTable(['kind', 'version', 'description'], definitions.map((d) => [d.name, d.version, d.description]))}\n`);
  return 0;
}
