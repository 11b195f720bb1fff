import { outputsOf } from '@veriflow/step-api';
import type { StepRegistry } from '@veriflow/step-api';
import type { AnyStepDefinition, OutputSpecs } from '@veriflow/step-api';
import type { StepCatalog, StepKindInfo } from '@veriflow/workflow';

/**
 * A kind whose `with` takes `carry` (steps-core's carrySchema) copies those values into its outputs: the
 * compiler sees each carried key as a JSON output, so `steps.X.instances` fields are type-checked too.
 */
function compilerOutputs(definition: AnyStepDefinition, withValue: unknown): OutputSpecs {
  const own = outputsOf(definition, withValue);
  const takesCarry = Object.hasOwn((definition.with as { properties?: object }).properties ?? {}, 'carry');
  const carry = (withValue as { carry?: unknown } | undefined)?.carry;
  if (!takesCarry || typeof carry !== 'object' || carry === null || Array.isArray(carry)) return own;
  return { ...Object.fromEntries(Object.keys(carry).map((key) => [key, { kind: 'json' } as const])), ...own };
}

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
        outputs: (withValue) => compilerOutputs(definition, withValue),
        ...(definition.environment ? { environment: definition.environment } : {}),
        ...(definition.resources ? { resources: definition.resources } : {}),
      };
    },
  };
}
