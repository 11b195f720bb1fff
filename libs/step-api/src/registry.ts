import type { AnyStepDefinition } from './define-step.js';

interface Registered {
  readonly definition: AnyStepDefinition;
  readonly source: string;
  readonly module: string | undefined;
}

/** Step kinds by name. Libraries export arrays of definitions; the CLI registers them all here. */
export class StepRegistry {
  readonly #kinds = new Map<string, Registered>();

  /**
   * `source` names where the kinds come from in messages. `module` is an importable specifier (package
   * name or file URL) whose `steps` export holds them: it lets the runner load a kind in a worker thread.
   */
  register(definitions: readonly AnyStepDefinition[], source: string, module?: string): void {
    for (const definition of definitions) {
      const existing = this.#kinds.get(definition.name);
      if (existing) {
        throw new Error(`Step kind "${definition.name}" from ${source} is already registered by ${existing.source}; rename one of them`);
      }
      this.#kinds.set(definition.name, { definition, source, module });
    }
  }

  get(name: string): AnyStepDefinition | undefined {
    return this.#kinds.get(name)?.definition;
  }

  /** The module that exports the kind as part of its `steps`, when known. */
  moduleOf(name: string): string | undefined {
    return this.#kinds.get(name)?.module;
  }

  names(): string[] {
    return [...this.#kinds.keys()].sort();
  }
}
