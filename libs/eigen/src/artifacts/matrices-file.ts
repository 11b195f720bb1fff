/**
 * The `data` artifact of eigen/sample: symmetric matrices with their true eigenvalues, in one VFT1
 * tensor (libs/ml) because it is purely numeric and large at paper scale (JSON would be 3–4× bigger).
 *
 *   dtype float64, shape [count, dim² + dim]
 *   row i: matrix i row-major (dim² entries, full precision, both triangles), then its eigenvalues in
 *          descending order (dim entries, from Jacobi, accurate to ~1e-13 relative)
 *   meta:  { kind: "veriflow.eigen.matrices/1", dim, count, entry_range }
 *
 * The model sees the matrix through P1000 (3 significant digits), but the truth is the spectrum of the
 * full-precision matrix, as in LAWT.
 */
import { readFile } from 'node:fs/promises';
import { decodeTensor, encodeTensor } from '@veriflow/ml';

export const MATRICES_KIND = 'veriflow.eigen.matrices/1';

export interface MatrixSet {
  readonly dim: number;
  readonly count: number;
  /** count × dim², row-major per matrix. */
  readonly matrices: Float64Array;
  /** count × dim, descending per matrix. */
  readonly eigenvalues: Float64Array;
  /** Entries were uniform in [−entryRange, entryRange]; undefined when unknown. */
  readonly entryRange?: number;
}

export function matrixAt(set: MatrixSet, i: number): Float64Array {
  const size = set.dim * set.dim;
  return set.matrices.subarray(i * size, (i + 1) * size);
}

export function eigenvaluesAt(set: MatrixSet, i: number): Float64Array {
  return set.eigenvalues.subarray(i * set.dim, (i + 1) * set.dim);
}

export function encodeMatrices(set: MatrixSet): Uint8Array {
  const { dim, count } = set;
  if (set.matrices.length !== count * dim * dim) throw new RangeError(`matrices: ${set.matrices.length} entries for ${count} matrices of ${dim}×${dim}`);
  if (set.eigenvalues.length !== count * dim) throw new RangeError(`matrices: ${set.eigenvalues.length} eigenvalues for ${count} matrices of dimension ${dim}`);
  const width = dim * dim + dim;
  const data = new Float64Array(count * width);
  for (let i = 0; i < count; i++) {
    data.set(matrixAt(set, i), i * width);
    data.set(eigenvaluesAt(set, i), i * width + dim * dim);
  }
  const meta: Record<string, unknown> = { kind: MATRICES_KIND, dim, count };
  if (set.entryRange !== undefined) meta['entry_range'] = set.entryRange;
  return encodeTensor(data, [count, width], meta);
}

export function decodeMatrices(bytes: Uint8Array, source = 'matrices'): MatrixSet {
  const tensor = decodeTensor(bytes);
  const meta = (tensor.meta ?? {}) as { kind?: unknown; dim?: unknown; count?: unknown; entry_range?: unknown };
  if (meta.kind !== MATRICES_KIND || !(tensor.data instanceof Float64Array)) {
    throw new Error(`data: ${source} is not the "data" output of eigen/sample (kind ${JSON.stringify(meta.kind ?? null)}, expected "${MATRICES_KIND}")`);
  }
  const dim = meta.dim as number;
  const count = meta.count as number;
  const width = dim * dim + dim;
  if (tensor.shape.length !== 2 || tensor.shape[0] !== count || tensor.shape[1] !== width) {
    throw new Error(`data: ${source} has shape [${tensor.shape.join(', ')}], expected [${count}, ${width}] for ${count} matrices of dimension ${dim}`);
  }
  const matrices = new Float64Array(count * dim * dim);
  const eigenvalues = new Float64Array(count * dim);
  for (let i = 0; i < count; i++) {
    matrices.set(tensor.data.subarray(i * width, i * width + dim * dim), i * dim * dim);
    eigenvalues.set(tensor.data.subarray(i * width + dim * dim, (i + 1) * width), i * dim);
  }
  return { dim, count, matrices, eigenvalues, ...(typeof meta.entry_range === 'number' ? { entryRange: meta.entry_range } : {}) };
}

export async function readMatrices(path: string): Promise<MatrixSet> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`data: cannot read ${path} (${(error as Error).message})`);
  }
  try {
    return decodeMatrices(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.startsWith('data:') ? message : `data: ${path}: ${message}`, { cause: error });
  }
}
