import { outputsOf } from '@veriflow/step-api';
import type { StepRegistry } from '@veriflow/step-api';
import type { StepCatalog, StepKindInfo } from '@veriflow/workflow';

/** The compiler's view of the step registry. */
export function catalogOf(registry: StepRegistry): StepCatalog {
  return {
    names: () => registry.names(),
    lookup(name): StepKindInfo | undefined {
      const definition = registry.get(name);
      if (!definition) return undefined;
      return {
        name: definition.name,
        version: definition.version,
        withSchema: definition.with,
        outputs: (withValue) => outputsOf(definition, withValue),
        ...(definition.environment ? { environment: definition.environment } : {}),
      };
    },
  };
}
