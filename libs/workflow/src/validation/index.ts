export { validateAgainstSchema } from './validate.js';
export type { SchemaTarget } from './validate.js';
