import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeTensor, encodeTensor, readTensorFile, writeTensorFile } from './tensor-file.js';

describe('VFT1 tensors', () => {
  it('round-trip every dtype with shape and meta, data 8-byte aligned', () => {
    const arrays = [
      Float32Array.of(1.5, -2, 3.25, 0, 7, 8),
      Float64Array.of(Math.PI, -1e300, 5e-324, 0, 1, 2),
      Int8Array.of(-128, 127, 0, 1, -1, 5),
      Uint8Array.of(0, 255, 7, 8, 9, 10),
      Int32Array.of(-(2 ** 31), 2 ** 31 - 1, 0, 1, 2, 3),
    ];
    for (const data of arrays) {
      const bytes = encodeTensor(data, [2, 3], { step: 'ridge', seed: 3 });
      assert.deepEqual([...bytes.subarray(0, 4)], [0x56, 0x46, 0x54, 0x31]);
      const t = decodeTensor(bytes);
      assert.deepEqual(t.shape, [2, 3]);
      assert.deepEqual(t.meta, { step: 'ridge', seed: 3 });
      assert.deepEqual(t.data, data);
      assert.equal(t.data.constructor, data.constructor);
      assert.equal(t.data.buffer, bytes.buffer, 'zero-copy view');
      assert.equal((bytes.length - data.byteLength) % 8, 0);
    }
    const scalarish = decodeTensor(encodeTensor(new Float64Array(0), [0, 5]));
    assert.deepEqual(scalarish.shape, [0, 5]);
    assert.equal(scalarish.meta, undefined);
  });

  it('copies when the input is not aligned for the dtype', () => {
    const bytes = encodeTensor(Float64Array.of(1, 2, 3));
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    assert.deepEqual(decodeTensor(shifted).data, Float64Array.of(1, 2, 3));
  });

  it('reports a wrong magic, a truncated file, trailing bytes and shape mismatches clearly', () => {
    const bytes = encodeTensor(Float32Array.of(1, 2, 3, 4), [4]);
    const bad = Uint8Array.from(bytes);
    bad[0] = 0x50;
    assert.throws(() => decodeTensor(bad), /wrong magic/);
    assert.throws(() => decodeTensor(bytes.subarray(0, bytes.length - 3)), /truncated VFT1 tensor: expected 16 data bytes, found 13/);
    assert.throws(() => decodeTensor(bytes.subarray(0, 12)), /truncated VFT1 tensor: header/);
    assert.throws(() => decodeTensor(bytes.subarray(0, 5)), /shorter than the 8-byte prefix/);
    const longer = new Uint8Array(bytes.length + 2);
    longer.set(bytes);
    assert.throws(() => decodeTensor(longer), /unexpected bytes/);
    assert.throws(() => encodeTensor(Float32Array.of(1, 2, 3), [2, 2]), /has 4 elements, data has 3/);
    assert.throws(() => encodeTensor(Float32Array.of(1, 2), [-2]), RangeError);
  });

  it('writes and reads files, naming the file in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vft1-'));
    try {
      const path = join(dir, 'w.vft');
      await writeTensorFile(path, Float64Array.of(0.5, 0.25), [2], { kind: 'weights' });
      const t = await readTensorFile(path);
      assert.deepEqual(t.data, Float64Array.of(0.5, 0.25));
      assert.deepEqual(t.meta, { kind: 'weights' });
      const junk = join(dir, 'junk.vft');
      await writeFile(junk, 'hello world');
      await assert.rejects(readTensorFile(junk), (e: Error) => e.message.startsWith(junk) && /wrong magic/.test(e.message));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
