/**
 * The ROUGE score a step reads from xlsum/rouge's scores lines, named `<type>.<measure>` (`rouge1.fmeasure`,
 * `rougeL.recall`): one list for the steps' `metric` params and one reader, so every step accepts and
 * rejects the same names with the same message.
 */
import { ROUGE_TYPES } from '../rouge/scorer.js';
import { numberField } from './fields.js';
import type { LineSource } from './fields.js';
import { XlsumFormatError } from './row.js';

export const ROUGE_METRICS: readonly string[] = ROUGE_TYPES.flatMap((type) => [`${type}.fmeasure`, `${type}.precision`, `${type}.recall`]);

/** `metric` of one parsed scores line; a line without that ROUGE type fails naming its file and line. */
export function metricField(record: Record<string, unknown>, metric: string, source: LineSource): number {
  const [type, measure] = metric.split('.') as [string, string];
  const all = record['scores'];
  const byType = all !== null && typeof all === 'object' ? (all as Record<string, unknown>)[type] : undefined;
  if (byType === null || typeof byType !== 'object') throw new XlsumFormatError(`${source.where}: field "scores.${type}" is missing; score the candidates with xlsum/rouge (it writes rouge1, rouge2, rougeL and rougeLsum)`);
  return numberField(byType as Record<string, unknown>, measure, { ...source, what: `${source.what}, scores.${type}` });
}
