/** The `with` schema entry of a `carry` input: values a step copies into its outputs for tables and plots. */
export const carrySchema = {
  type: 'object',
  description: 'Values copied into the outputs (e.g. p, the verifier and its measured p_star), so tables and plots have them in one place.',
} as const;

/**
 * A step's own values with the carried ones added. A carried key that would overwrite one of the step's
 * own outputs is an error: a table must never show a passed-through value under a measured name.
 */
export function withCarried<T extends Record<string, unknown>>(own: T, carry: unknown): T & Record<string, unknown> {
  const carried = (carry ?? {}) as Record<string, unknown>;
  const clash = Object.keys(carried).find((key) => key in own);
  if (clash) throw new Error(`carry.${clash} would overwrite the step's own output "${clash}"; rename it`);
  return { ...carried, ...own };
}
