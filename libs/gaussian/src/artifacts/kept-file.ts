import { readFile } from 'node:fs/promises';
import { decodeTensor, encodeTensor } from '@veriflow/ml';
import type { KeptStatistics, LabelledRows } from '../math/index.js';

/**
 * What a verifier kept: always the sufficient statistics (XᵀX, Xᵀy' and the counts behind φ̂, ψ̂), and
 * the rows themselves when an estimator needs them (logistic regression). One tensor file:
 * rows 0..d−1 hold XᵀX, row d holds Xᵀy'; kept rows, when present, follow as [x…, y'].
 */
export interface KeptFile {
  readonly stats: KeptStatistics;
  readonly rows: LabelledRows | undefined;
}

const COUNTS = ['synthesized', 'correct', 'wrong', 'keptCorrect', 'keptWrong', 'kept'] as const;

export function encodeKept(stats: KeptStatistics, rows?: LabelledRows): Uint8Array {
  const d = stats.dim;
  const rowCount = rows?.count ?? 0;
  const data = new Float64Array((d + 1) * d + rowCount * (d + 1));
  data.set(stats.xtx, 0);
  data.set(stats.xty, d * d);
  let at = (d + 1) * d;
  for (let i = 0; i < rowCount; i++) {
    data.set(rows!.x.subarray(i * d, (i + 1) * d), at);
    data[at + d] = rows!.y[i]!;
    at += d + 1;
  }
  const meta = { kind: 'veriflow.gaussian.kept/1', dim: d, rows: rowCount, ...Object.fromEntries(COUNTS.map((key) => [key, stats[key]])) };
  return encodeTensor(data, [data.length], meta);
}

export async function readKept(path: string): Promise<KeptFile> {
  const tensor = decodeTensor(new Uint8Array(await readFile(path)));
  const meta = tensor.meta as Record<string, number> & { kind?: string };
  if (meta?.kind !== 'veriflow.gaussian.kept/1' || !(tensor.data instanceof Float64Array)) {
    throw new Error(`kept: ${path} is not the "kept" output of gaussian/verify`);
  }
  const d = meta.dim!;
  const data = tensor.data;
  const stats: KeptStatistics = {
    dim: d,
    synthesized: meta.synthesized!,
    correct: meta.correct!,
    wrong: meta.wrong!,
    keptCorrect: meta.keptCorrect!,
    keptWrong: meta.keptWrong!,
    kept: meta.kept!,
    xtx: data.slice(0, d * d),
    xty: data.slice(d * d, (d + 1) * d),
  };
  const count = meta.rows ?? 0;
  if (count === 0) return { stats, rows: undefined };
  const x = new Float64Array(count * d);
  const y = new Float64Array(count);
  let at = (d + 1) * d;
  for (let i = 0; i < count; i++) {
    x.set(data.subarray(at, at + d), i * d);
    y[i] = data[at + d]!;
    at += d + 1;
  }
  return { stats, rows: { dim: d, count, x, y, trueY: new Int8Array(count) } };
}
