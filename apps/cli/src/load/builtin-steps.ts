import { StepRegistry } from '@veriflow/step-api';
import { eigenSteps } from '@veriflow/eigen';
import { gaussianSteps } from '@veriflow/gaussian';
import { coreSteps } from '@veriflow/steps-core';
import { xlsumSteps } from '@veriflow/xlsum';

/** Step libraries that ship with veriflow. A new task library adds one line here. */
const BUILTIN_LIBRARIES = [
  { name: '@veriflow/steps-core', steps: coreSteps },
  { name: '@veriflow/gaussian', steps: gaussianSteps },
  { name: '@veriflow/eigen', steps: eigenSteps },
  { name: '@veriflow/xlsum', steps: xlsumSteps },
] as const;

export function builtinRegistry(): StepRegistry {
  const registry = new StepRegistry();
  for (const library of BUILTIN_LIBRARIES) registry.register(library.steps, library.name, library.name);
  return registry;
}
