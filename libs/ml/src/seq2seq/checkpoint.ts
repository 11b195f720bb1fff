/**
 * A model artifact: a checkpoint of a Transformer (and optionally its Adam state) in one VFT1 file.
 *
 *   dtype float32, shape [total]: every parameter in the model's order, then (when saved) every first
 *   moment, then every second moment, each flattened row-major
 *   meta: { kind: the task's model kind (e.g. "veriflow.eigen.model/1"), config, seed, step,
 *           parameters: [{name, shape, offset}], optimizer: { moments: "m,v", offset } | null,
 *           training: {...anything} }
 *
 * Loading builds a model of the same config and fills it; names and shapes must match. Each task names
 * its own kind, so a model of one task is refused by another's steps.
 */
import { readFile } from 'node:fs/promises';
import { decodeTensor, encodeTensor } from '../tensor-file.js';
import { tf } from '../engine/index.js';
import { Transformer } from './transformer.js';
import type { TransformerConfig } from './transformer.js';
import type { OptimizerState, Trainer } from './train-loop.js';

/** What a checkpoint is and who makes it, so that a wrong input is named in the error. */
export interface ModelKind {
  /** Stored in the meta, e.g. "veriflow.eigen.model/1". */
  readonly kind: string;
  /** The step kind whose output it is, e.g. "eigen/train". */
  readonly producer: string;
}

export interface CheckpointMeta {
  readonly kind: string;
  readonly config: TransformerConfig;
  readonly seed: number;
  /** Optimisation steps taken. */
  readonly step: number;
  readonly parameters: { name: string; shape: number[]; offset: number }[];
  readonly optimizer: { offset: number } | null;
  /** Whatever the trainer wants to keep: options, data description, the engine… */
  readonly training?: Record<string, unknown>;
}

export interface LoadedCheckpoint {
  readonly model: Transformer;
  readonly meta: CheckpointMeta;
  /** Present when the checkpoint holds the optimizer's state. */
  readonly optimizer?: OptimizerState;
}

/** The checkpoint's bytes; parameters and moments are read asynchronously (WebGPU cannot read synchronously). */
export async function encodeCheckpoint(model: Transformer, options: { kind: ModelKind; seed: number; trainer?: Trainer; step?: number; training?: Record<string, unknown> }): Promise<Uint8Array> {
  const [state, values] = await Promise.all([options.trainer?.state(), Promise.all(model.parameters.map(async (p) => (await p.variable.data()) as Float32Array))]);
  const parameters: CheckpointMeta['parameters'] = [];
  let total = 0;
  for (const p of model.parameters) {
    parameters.push({ name: p.name, shape: [...p.variable.shape], offset: total });
    total += p.variable.size;
  }
  const paramTotal = total;
  if (state) total *= 3;
  const data = new Float32Array(total);
  model.parameters.forEach((p, i) => {
    const offset = parameters[i]!.offset;
    data.set(values[i]!, offset);
    if (state) {
      data.set(state.m[i]!, paramTotal + offset);
      data.set(state.v[i]!, 2 * paramTotal + offset);
    }
  });
  const meta: CheckpointMeta = {
    kind: options.kind.kind,
    config: model.config,
    seed: options.seed,
    step: state?.step ?? options.step ?? 0,
    parameters,
    optimizer: state ? { offset: paramTotal } : null,
    ...(options.training ? { training: options.training } : {}),
  };
  return encodeTensor(data, [total], meta as unknown as Record<string, unknown>);
}

export function decodeCheckpoint(bytes: Uint8Array, kind: ModelKind, source = 'model'): LoadedCheckpoint {
  let tensor: ReturnType<typeof decodeTensor>;
  try {
    tensor = decodeTensor(bytes);
  } catch (error) {
    throw new Error(`model: ${source} is not a model checkpoint (${(error as Error).message}); pass the model output of ${kind.producer}`);
  }
  const meta = tensor.meta as CheckpointMeta | undefined;
  if (meta?.kind !== kind.kind || !(tensor.data instanceof Float32Array)) {
    throw new Error(`model: ${source} is not a model checkpoint (kind ${JSON.stringify(meta?.kind ?? null)}, expected "${kind.kind}"); pass the model output of ${kind.producer}`);
  }
  const data = tensor.data;
  const model = new Transformer(meta.config, meta.seed);
  try {
    if (meta.parameters.length !== model.parameters.length) throw new Error(`model: ${source} has ${meta.parameters.length} parameters, its config builds ${model.parameters.length}`);
    const paramTotal = model.parameterCount;
    const m: Float32Array[] = [];
    const v: Float32Array[] = [];
    model.parameters.forEach((p, i) => {
      const saved = meta.parameters[i]!;
      if (saved.name !== p.name || saved.shape.join(',') !== p.variable.shape.join(',')) {
        throw new Error(`model: ${source}: parameter ${i} is ${saved.name} [${saved.shape.join(', ')}], expected ${p.name} [${p.variable.shape.join(', ')}]`);
      }
      const size = p.variable.size;
      const values = data.subarray(saved.offset, saved.offset + size);
      tf.tidy(() => p.variable.assign(tf.tensor(values, p.variable.shape, 'float32')));
      if (meta.optimizer) {
        m.push(data.slice(paramTotal + saved.offset, paramTotal + saved.offset + size));
        v.push(data.slice(2 * paramTotal + saved.offset, 2 * paramTotal + saved.offset + size));
      }
    });
    return { model, meta, ...(meta.optimizer ? { optimizer: { step: meta.step, m, v } } : {}) };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

export async function readCheckpoint(path: string, kind: ModelKind): Promise<LoadedCheckpoint> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`model: cannot read ${path} (${(error as Error).message})`);
  }
  return decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), kind, path);
}
