/**
 * VFT1: a compact binary artifact for one dense array (weights, statistics, sample blocks), so that
 * steps can hand large numeric results to each other without JSON's 3–4× size and parse cost.
 *
 * Layout (all little-endian):
 *   bytes 0–3   magic "VFT1"
 *   bytes 4–7   uint32 H: length of the header field in bytes
 *   bytes 8–8+H UTF-8 JSON {"dtype", "shape", "meta"?}, right-padded with spaces so that the data
 *               starts at a multiple of 8 (every dtype is then aligned within the file)
 *   then        product(shape) elements, row-major
 */
import { readFile, writeFile } from 'node:fs/promises';

export type TensorDtype = 'float32' | 'float64' | 'int8' | 'uint8' | 'int32';
export type TensorData = Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array;

export interface Tensor<D extends TensorData = TensorData> {
  dtype: TensorDtype;
  shape: number[];
  data: D;
  meta?: Record<string, unknown>;
}

const MAGIC = [0x56, 0x46, 0x54, 0x31]; // "VFT1"
const PREFIX_BYTES = 8;

const CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int32: Int32Array,
} as const;

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function dtypeOf(data: TensorData): TensorDtype {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int32Array) return 'int32';
  throw new TypeError('tensor data must be a Float32/Float64/Int8/Uint8/Int32 array');
}

function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) {
    if (!Number.isSafeInteger(s) || s < 0) throw new RangeError(`tensor shape entry ${s} is not a non-negative integer`);
    n *= s;
  }
  return n;
}

/** Serialises a tensor; the shape must match the data length. */
export function encodeTensor(data: TensorData, shape: readonly number[] = [data.length], meta?: Record<string, unknown>): Uint8Array {
  const dtype = dtypeOf(data);
  const count = elementCount(shape);
  if (count !== data.length) throw new RangeError(`tensor shape [${shape.join(', ')}] has ${count} elements, data has ${data.length}`);
  const header: Record<string, unknown> = { dtype, shape: [...shape] };
  if (meta !== undefined) header['meta'] = meta;
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = Math.ceil((PREFIX_BYTES + json.length) / 8) * 8 - PREFIX_BYTES;
  const out = new Uint8Array(PREFIX_BYTES + headerBytes + data.byteLength);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, headerBytes, true);
  out.set(json, PREFIX_BYTES);
  out.fill(0x20, PREFIX_BYTES + json.length, PREFIX_BYTES + headerBytes);
  const dataStart = PREFIX_BYTES + headerBytes;
  if (HOST_LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dataStart);
  } else {
    const view = new DataView(out.buffer, dataStart);
    writeElements(view, data, dtype);
  }
  return out;
}

function writeElements(view: DataView, data: TensorData, dtype: TensorDtype): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (dtype === 'float32') view.setFloat32(i * 4, v, true);
    else if (dtype === 'float64') view.setFloat64(i * 8, v, true);
    else view.setInt32(i * 4, v, true);
  }
}

/**
 * Parses a VFT1 buffer. The data is a zero-copy view of `bytes` when its start is aligned for the
 * element type (always true for buffers produced by `encodeTensor` or read from a file), else a copy.
 */
export function decodeTensor(bytes: Uint8Array): Tensor {
  if (bytes.length < PREFIX_BYTES) throw new Error(`not a VFT1 tensor: ${bytes.length} bytes is shorter than the 8-byte prefix`);
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== MAGIC[i]) {
      const found = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new Error(`not a VFT1 tensor: wrong magic bytes ${found} (expected 56 46 54 31 "VFT1")`);
    }
  }
  const headerBytes = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (PREFIX_BYTES + headerBytes > bytes.length) {
    throw new Error(`truncated VFT1 tensor: header of ${headerBytes} bytes runs past the end (${bytes.length} bytes)`);
  }
  let header: { dtype?: unknown; shape?: unknown; meta?: unknown };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerBytes))) as typeof header;
  } catch (error) {
    throw new Error(`corrupt VFT1 tensor: header is not JSON (${(error as Error).message})`);
  }
  const dtype = header.dtype;
  if (typeof dtype !== 'string' || !(dtype in CTORS)) throw new Error(`corrupt VFT1 tensor: unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(header.shape)) throw new Error('corrupt VFT1 tensor: header has no shape array');
  const shape = header.shape as number[];
  const count = elementCount(shape);
  const Ctor = CTORS[dtype as TensorDtype];
  const dataStart = PREFIX_BYTES + headerBytes;
  const dataBytes = count * Ctor.BYTES_PER_ELEMENT;
  const available = bytes.length - dataStart;
  if (available < dataBytes) throw new Error(`truncated VFT1 tensor: expected ${dataBytes} data bytes, found ${available}`);
  if (available > dataBytes) throw new Error(`corrupt VFT1 tensor: ${available - dataBytes} unexpected bytes after the data`);
  const offset = bytes.byteOffset + dataStart;
  let data: TensorData;
  if (!HOST_LITTLE_ENDIAN && Ctor.BYTES_PER_ELEMENT > 1) {
    const view = new DataView(bytes.buffer, offset, dataBytes);
    const arr = new Ctor(count);
    for (let i = 0; i < count; i++) {
      arr[i] = dtype === 'float32' ? view.getFloat32(i * 4, true) : dtype === 'float64' ? view.getFloat64(i * 8, true) : view.getInt32(i * 4, true);
    }
    data = arr;
  } else if (offset % Ctor.BYTES_PER_ELEMENT === 0) {
    data = new Ctor(bytes.buffer as ArrayBuffer, offset, count);
  } else {
    data = new Ctor(bytes.slice(dataStart, dataStart + dataBytes).buffer as ArrayBuffer, 0, count);
  }
  const tensor: Tensor = { dtype: dtype as TensorDtype, shape, data };
  if (header.meta !== undefined) tensor.meta = header.meta as Record<string, unknown>;
  return tensor;
}

export async function writeTensorFile(
  path: string,
  data: TensorData,
  shape: readonly number[] = [data.length],
  meta?: Record<string, unknown>,
): Promise<void> {
  await writeFile(path, encodeTensor(data, shape, meta));
}

export async function readTensorFile(path: string): Promise<Tensor> {
  const buf = await readFile(path);
  try {
    return decodeTensor(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
}
