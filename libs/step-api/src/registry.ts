import type { AnyStepDefinition } from './define-step.js';

/** Step kinds by name. Libraries export arrays of definitions; the CLI registers them all here. */
export class StepRegistry {
  readonly #kinds = new Map<string, { definition: AnyStepDefinition; source: string }>();

  register(definitions: readonly AnyStepDefinition[], source: string): void {
    for (const definition of definitions) {
      const existing = this.#kinds.get(definition.name);
      if (existing) {
        throw new Error(`Step kind "${definition.name}" from ${source} is already registered by ${existing.source}; rename one of them`);
      }
      this.#kinds.set(definition.name, { definition, source });
    }
  }

  get(name: string): AnyStepDefinition | undefined {
    return this.#kinds.get(name)?.definition;
  }

  names(): string[] {
    return [...this.#kinds.keys()].sort();
  }
}
