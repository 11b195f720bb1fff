/** The matrix key a step marked `replicate: true` gets. */
export const REPLICATE_AXIS = 'replicate';

/** More replicates than this is almost certainly a typo (the schema says the same for a literal). */
export const MAX_REPLICATES = 1000;

/**
 * Replicates are numbered from 1, so replicate k has the same instance names (hence seeds and cache keys)
 * whatever the count: raising 3 to 5 adds replicates 4 and 5 and reuses 1…3.
 */
export function replicateValues(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index + 1);
}
