import AjvModule from 'ajv';

// ajv ships CommonJS; under NodeNext its default import is the module object, whose `default` is the class.
const Ajv = AjvModule.default;
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
const compiled = new WeakMap<object, ReturnType<typeof ajv.compile>>();

function validatorFor(schema: object): ReturnType<typeof ajv.compile> {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** A copy of `value` with the schema's defaults filled in, so the key and the step see the same values. */
export function applyWithDefaults(schema: object, value: unknown): unknown {
  const copy = structuredClone(value);
  validatorFor(schema)(copy);
  return copy;
}

/**
 * Run-time check of a resolved `with`: values from upstream outputs are only known now.
 * Returns a readable list of problems, empty when valid.
 */
export function runtimeWithProblems(schema: object, value: unknown): string[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `with${error.instancePath.replace(/\//g, '.')} ${error.message ?? 'is invalid'}`);
}
