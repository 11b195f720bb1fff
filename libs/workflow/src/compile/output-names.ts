/**
 * Outputs are stored as files named after the output, so a name must be one plain file name: no
 * separators, no "..", nothing hidden. The runner applies the same rule when a step writes an output.
 */
const OUTPUT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export const OUTPUT_NAME_RULE = 'use letters, digits, "_", "." and "-", starting with a letter, digit or "_"';

export function isOutputName(name: string): boolean {
  return OUTPUT_NAME.test(name);
}
