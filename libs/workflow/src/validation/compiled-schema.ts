import AjvModule from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

// ajv is CommonJS; under NodeNext its default import is the module object, whose `default` is the class.
const Ajv = AjvModule.default;

export interface CompiledSchema {
  validate(value: unknown): ErrorObject[];
  /**
   * Validates `value` against branch `index` of the anyOf/oneOf at `schemaPath`
   * (as ajv reports it); undefined if that branch cannot be compiled alone.
   */
  validateBranch(schemaPath: string, index: number, value: unknown): ErrorObject[] | undefined;
}

const ROOT_KEY = 'urn:veriflow:schema';
const cache = new WeakMap<object, CompiledSchema>();

/** Compiled once per schema object: step kinds hand us the same schema for every instance. */
export function compileSchema(schema: object): CompiledSchema {
  const cached = cache.get(schema);
  if (cached) return cached;
  // One ajv instance per root schema, so two schemas with the same $id never collide.
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
  const id = (schema as { $id?: unknown }).$id;
  const key = typeof id === 'string' ? id.replace(/#$/, '') : ROOT_KEY;
  ajv.addSchema(schema, typeof id === 'string' ? undefined : key);
  const root = ajv.getSchema(key);
  if (!root) throw new Error(`internal: schema ${key} did not compile`);
  const branches = new Map<string, ValidateFunction | null>();

  const run = (fn: ValidateFunction, value: unknown): ErrorObject[] => (fn(value) ? [] : [...(fn.errors ?? [])]);
  const compiled: CompiledSchema = {
    validate: (value) => run(root, value),
    validateBranch(schemaPath, index, value) {
      // Errors from a branch validated alone carry absolute paths (`urn:...#/...`); the root's are `#/...`.
      const ref = `${schemaPath.startsWith('#') ? key : ''}${schemaPath}/${index}`;
      let fn = branches.get(ref);
      if (fn === undefined) {
        try {
          fn = ajv.compile({ $ref: ref });
        } catch {
          // A branch inside a nested $id resource has a path we cannot address from the root.
          fn = null;
        }
        branches.set(ref, fn);
      }
      return fn ? run(fn, value) : undefined;
    },
  };
  cache.set(schema, compiled);
  return compiled;
}
