import { readFile } from 'node:fs/promises';

/**
 * Reads a JSON artifact written by another gaussian step, checking its format tag so that wiring the
 * wrong output into an input fails with a sentence instead of a NaN three steps later.
 */
export async function readJsonArtifact<T extends { format: string }>(path: string, format: T['format'], what: string): Promise<T> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`${what}: cannot read ${path} as JSON (${(error as Error).message}); pass the output of the step that produces it`);
  }
  const found = (value as { format?: unknown } | null)?.format;
  if (found !== format) throw new Error(`${what}: expected a "${format}" artifact but ${path} is ${found === undefined ? 'not a veriflow gaussian artifact' : `"${String(found)}"`}`);
  return value as T;
}
