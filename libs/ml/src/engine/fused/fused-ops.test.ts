// The fused ops in both of their forms: natively (the addon's kernels) and op by op (every other backend, or
// no addon). Each form is held to an independent op-by-op reference, value and gradients, so the two forms
// are also held to each other.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoTensorLeak, initEngine } from '../index.js';
import { loadNativeAddon } from '../native-addon.js';
import { MASKED, attention } from './attention.js';
import { maskedCrossEntropy } from './cross-entropy.js';
import { dense } from './dense.js';
import { embedding } from './embedding.js';
import { layerNorm } from './layer-norm.js';
import { nativeKernels, nativeProducts } from './native-kernels.js';
import { nativeSkip } from '../test-helpers.js';

const addon = loadNativeAddon();
const addonSkip = nativeSkip(addon.addon != null ? false : `native addon unavailable: ${addon.reason}`);
const productsSkip = nativeSkip(addon.addon != null && !addon.addon.status().ok ? `OpenBLAS unavailable: ${addon.addon.status().error}` : addonSkip);

function random(shape: number[], seed: number, scale = 1, offset = 0): tf.Tensor {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = offset + rng.normal() * scale;
  return tf.tensor(values, shape, 'float32');
}

function assertClose(actual: tf.Tensor, expected: tf.Tensor, tolerance: number, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = actual.dataSync();
  const e = expected.dataSync();
  for (let i = 0; i < e.length; i++) {
    const diff = Math.abs(a[i]! - e[i]!);
    if (!(diff <= tolerance * Math.max(1, Math.abs(e[i]!)))) assert.fail(`${what}[${i}]: ${a[i]} vs ${e[i]} (|Δ| ${diff})`);
  }
}

/** Names of the kernels `fn` ran. */
async function kernelNames(fn: () => void): Promise<Set<string>> {
  const info = await tf.profile(() => {
    tf.tidy(fn);
  });
  return new Set(info.kernels.map((k) => k.name));
}

// --- independent op-by-op references ---------------------------------------------------------------------------

function referenceCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, weights: tf.Tensor1D): tf.Scalar {
  const lse = tf.logSumExp(logits, -1);
  const picked = tf.sum(tf.mul(logits, tf.oneHot(targets, logits.shape[1])), -1);
  return tf.div(tf.sum(tf.mul(tf.sub(lse, picked), weights)), tf.sum(weights)) as tf.Scalar;
}

function referenceLayerNorm(x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor2D {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, 1e-5))), g), b);
}

/** Attention one (sequence, head) at a time, with explicit masks. */
function referenceAttention(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, batch: number, heads: number, lq: number, lk: number, keyMask: tf.Tensor | null, causal: boolean): tf.Tensor2D {
  const dim = q.shape[1];
  const dh = dim / heads;
  const rows: tf.Tensor[] = [];
  for (let b = 0; b < batch; b++) {
    const perHead: tf.Tensor[] = [];
    for (let h = 0; h < heads; h++) {
      const qh = tf.slice(q, [b * lq, h * dh], [lq, dh]);
      const kh = tf.slice(k, [b * lk, h * dh], [lk, dh]);
      const vh = tf.slice(v, [b * lk, h * dh], [lk, dh]);
      let scores = tf.div(tf.matMul(qh, kh, false, true), Math.sqrt(dh));
      if (keyMask != null) scores = tf.add(scores, tf.reshape(tf.slice(tf.reshape(keyMask, [batch, lk]), [b, 0], [1, lk]), [1, lk]));
      if (causal) {
        const mask = new Float32Array(lq * lk);
        for (let i = 0; i < lq; i++) for (let j = i + 1; j < lk; j++) mask[i * lk + j] = MASKED;
        scores = tf.add(scores, tf.tensor2d(mask, [lq, lk]));
      }
      perHead.push(tf.matMul(tf.softmax(scores), vh));
    }
    rows.push(tf.concat(perHead, 1));
  }
  return tf.concat(rows, 0) as tf.Tensor2D;
}

// --- the ops, in both forms --------------------------------------------------------------------------------------

for (const form of ['native', 'op-by-op'] as const) {
  const native = form === 'native';
  describe(`fused ops, ${form} form`, { skip: native ? addonSkip : false }, () => {
    before(async () => {
      const engine = await initEngine({ device: 'cpu', native: false, fused: native });
      assert.equal(engine.fused.used, native, engine.fused.reason);
      assert.equal(nativeKernels() != null, native);
    });

    describe('maskedCrossEntropy', () => {
      for (const [n, vocab, scale] of [
        [7, 13, 1],
        [40, 1306, 3],
        [5, 4, 30],
      ] as const) {
        it(`equals logSumExp − picked (value and gradient, 1e-5) on [${n}, ${vocab}] logits ×${scale}, PAD rows ignored`, () => {
          assertNoTensorLeak(() =>
            tf.tidy(() => {
              const rng = createRng(n * vocab);
              const ids = Array.from({ length: n }, (_, i) => (i % 3 === 2 ? 0 : rng.int(vocab)));
              const targets = tf.tensor1d(ids, 'int32');
              const weights = tf.cast(tf.notEqual(targets, 0), 'float32') as tf.Tensor1D;
              const logits = random([n, vocab], n + vocab, scale) as tf.Tensor2D;
              const dy = tf.scalar(0.7);
              const fused = tf.valueAndGrad((x: tf.Tensor) => maskedCrossEntropy(x as tf.Tensor2D, targets, weights))(logits, dy);
              const reference = tf.valueAndGrad((x: tf.Tensor) => referenceCrossEntropy(x as tf.Tensor2D, targets, weights))(logits, dy);
              assertClose(fused.value, reference.value, 1e-5, 'loss');
              assertClose(fused.grad, reference.grad, 1e-5, 'dlogits');
              const g = fused.grad.arraySync() as number[][];
              ids.forEach((id, i) => {
                if (id === 0) assert.ok(g[i]!.every((v) => v === 0), `PAD row ${i} gets no gradient`);
              });
            }),
          );
        });
      }

      it('gives 0 when every weight is 0, and rejects float targets', () => {
        tf.tidy(() => {
          const loss = maskedCrossEntropy(random([3, 5], 1) as tf.Tensor2D, tf.tensor1d([1, 2, 3], 'int32'), tf.zeros([3]) as tf.Tensor1D);
          assert.ok(loss.dataSync()[0] === 0, 'zero loss');
          assert.throws(() => maskedCrossEntropy(random([3, 5], 1) as tf.Tensor2D, tf.tensor1d([1, 2, 3]), tf.ones([3]) as tf.Tensor1D), /targets must be int32/);
        });
      });
    });

    describe('layerNorm', () => {
      for (const [n, dim, withResidual] of [
        [6, 8, false],
        [50, 64, false],
        [33, 64, true],
        [5, 20, true],
      ] as const) {
        it(`equals the op-by-op LayerNorm${withResidual ? ' of x + residual' : ''} (value and every gradient, 1e-4) on [${n}, ${dim}]`, () => {
          assertNoTensorLeak(() =>
            tf.tidy(() => {
              const x = random([n, dim], n * dim, 2, 0.5) as tf.Tensor2D;
              const r = random([n, dim], n * dim + 7, 1.5) as tf.Tensor2D;
              const g = random([dim], dim + 1, 0.3, 1) as tf.Tensor1D;
              const b = random([dim], dim + 2, 0.3) as tf.Tensor1D;
              const dy = random([n, dim], dim + 3) as tf.Tensor2D;
              // Gradients with respect to x, γ, β and (when it is used) the residual.
              type Args = [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor2D?];
              const fused = (...[xi, gi, bi, ri]: Args) => layerNorm(xi, gi, bi, ri ? { residual: ri } : {});
              const reference = (...[xi, gi, bi, ri]: Args) => referenceLayerNorm(ri ? tf.add(xi, ri) : xi, gi, bi);
              const inputs = withResidual ? [x, g, b, r] : [x, g, b];
              const grads = (fn: (...args: Args) => tf.Tensor2D) => tf.grads((...args: tf.Tensor[]) => fn(...(args as Args)))(inputs, dy);
              assertClose(fused(...(inputs as Args)), reference(...(inputs as Args)), 1e-4, 'y');
              const got = grads(fused);
              const want = grads(reference);
              assert.equal(got.length, inputs.length);
              for (const [i, name] of ['dx', 'dγ', 'dβ', 'dresidual'].slice(0, inputs.length).entries()) assertClose(got[i]!, want[i]!, 1e-4, name);
            }),
          );
        });
      }

      it('rejects a residual of another shape', () => {
        tf.tidy(() => {
          assert.throws(() => layerNorm(tf.ones([2, 4]), tf.ones([4]), tf.zeros([4]), { residual: tf.ones([2, 3]) }), /residual \[2,3\] does not match x \[2,4\]/);
        });
      });
    });

    describe('dense', () => {
      for (const transposeW of [false, true]) {
        for (const activation of ['linear', 'relu'] as const) {
          it(`equals matMul + bias${activation === 'relu' ? ' + relu' : ''} (value and gradients of x, W, b, 1e-4)${transposeW ? ' with Wᵀ' : ''}`, () => {
            assertNoTensorLeak(() =>
              tf.tidy(() => {
                const x = random([37, 16], 1) as tf.Tensor2D;
                const w = random(transposeW ? [24, 16] : [16, 24], 2) as tf.Tensor2D;
                const b = random([24], 3) as tf.Tensor1D;
                const dy = random([37, 24], 4) as tf.Tensor2D;
                type Args = [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
                const reference = (...[xi, wi, bi]: Args) => {
                  const y = tf.add(tf.matMul(xi, wi, false, transposeW), bi) as tf.Tensor2D;
                  return activation === 'relu' ? tf.relu(y) : y;
                };
                const fused = (...[xi, wi, bi]: Args) => dense(xi, wi, bi, { transposeW, activation });
                const grads = (fn: (...args: Args) => tf.Tensor2D) => tf.grads((...args: tf.Tensor[]) => fn(...(args as Args)))([x, w, b], dy);
                const y = fused(x, w, b);
                assertClose(y, reference(x, w, b), 1e-4, 'y');
                if (activation === 'relu') assert.ok(y.dataSync().some((v) => v === 0), 'relu clipped something');
                const got = grads(fused);
                const want = grads(reference);
                for (const [i, name] of ['dx', 'dW', 'db'].entries()) assertClose(got[i]!, want[i]!, 1e-4, name);
              }),
            );
          });
        }
      }

      it('rejects shapes that do not fit, naming them', () => {
        tf.tidy(() => {
          assert.throws(() => dense(tf.ones([2, 4]), tf.ones([5, 3]), tf.zeros([3])), /dense: x \[2,4\], W \[5,3\] and b \[3\] do not fit/);
        });
      });
    });

    describe('embedding', () => {
      it('equals gather + positions (value; gradients of table and positions, repeated ids summed, unused rows 0)', () => {
        assertNoTensorLeak(() =>
          tf.tidy(() => {
            const ids = tf.tensor2d([3, 1, 3, 0, 4, 4, 4, 2], [2, 4], 'int32');
            const table = random([6, 5], 21) as tf.Tensor2D;
            const positions = random([7, 5], 22) as tf.Tensor2D;
            const dy = random([8, 5], 23) as tf.Tensor2D;
            type Args = [tf.Tensor2D, tf.Tensor2D];
            const reference = (...[t, p]: Args) => tf.add(tf.gather(t, tf.reshape(ids, [8])), tf.tile(tf.slice(p, [0, 0], [4, 5]), [2, 1])) as tf.Tensor2D;
            const fused = (...[t, p]: Args) => embedding(ids, t, p);
            const grads = (fn: (...args: Args) => tf.Tensor2D) => tf.grads((...args: tf.Tensor[]) => fn(...(args as Args)))([table, positions], dy);
            assertClose(fused(table, positions), reference(table, positions), 1e-6, 'out');
            const [dtable, dpositions] = grads(fused);
            const [wantTable, wantPositions] = grads(reference);
            assertClose(dtable!, wantTable!, 1e-5, 'dtable');
            assertClose(dpositions!, wantPositions!, 1e-5, 'dpositions');
            assert.ok((dtable!.arraySync() as number[][])[5]!.every((v) => v === 0), 'id 5 is never used');
            assert.ok((dpositions!.arraySync() as number[][]).slice(4).every((row) => row.every((v) => v === 0)), 'positions past the length get nothing');
          }),
        );
      });

      it('rejects float ids and too few positions, naming the shapes', () => {
        tf.tidy(() => {
          assert.throws(() => embedding(tf.ones([1, 2]) as tf.Tensor2D, tf.ones([3, 2]), tf.ones([2, 2])), /ids must be int32/);
          assert.throws(() => embedding(tf.ones([1, 3], 'int32') as tf.Tensor2D, tf.ones([3, 2]), tf.ones([2, 2])), /positions \[2,2\] must be \[≥ 3, 2\]/);
        });
      });
    });

    describe('attention', () => {
      const cases = [
        { name: 'self-attention with a padding mask', batch: 3, heads: 2, lq: 7, lk: 7, dim: 8, masked: true, causal: false },
        { name: 'causal self-attention', batch: 2, heads: 4, lq: 6, lk: 6, dim: 16, masked: false, causal: true },
        { name: 'cross-attention (lq ≠ lk) with a padding mask', batch: 2, heads: 2, lq: 3, lk: 9, dim: 6, masked: true, causal: false },
        { name: 'long rows (lk = 37: vector lanes and a tail), padding mask', batch: 2, heads: 2, lq: 5, lk: 37, dim: 8, masked: true, causal: false },
        { name: 'one head, causal and masked, a fully masked sequence', batch: 2, heads: 1, lq: 4, lk: 4, dim: 5, masked: true, causal: true },
      ];
      for (const c of cases) {
        it(`${c.name}: equals per-head softmax(QKᵀ/√dh + masks)·V (value and gradients of q, k, v, 1e-4)`, () => {
          assertNoTensorLeak(() =>
            tf.tidy(() => {
              const q = random([c.batch * c.lq, c.dim], 11, 1.5) as tf.Tensor2D;
              const k = random([c.batch * c.lk, c.dim], 12, 1.5) as tf.Tensor2D;
              const v = random([c.batch * c.lk, c.dim], 13) as tf.Tensor2D;
              const dy = random([c.batch * c.lq, c.dim], 14) as tf.Tensor2D;
              // Padding: the last keys of every sequence but the first, and (last case) every key of sequence 1.
              const maskValues = new Float32Array(c.batch * c.lk);
              for (let b = 1; b < c.batch; b++) for (let j = 0; j < c.lk; j++) if (j >= c.lk - b || c.name.includes('fully')) maskValues[b * c.lk + j] = MASKED;
              const keyMask = c.masked ? tf.tensor2d(maskValues, [c.batch, c.lk]) : null;
              type Args = [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
              const fused = (...[qi, ki, vi]: Args) => attention(qi, ki, vi, { batch: c.batch, heads: c.heads, lq: c.lq, lk: c.lk, causal: c.causal, ...(keyMask ? { keyMask } : {}) });
              const reference = (...[qi, ki, vi]: Args) => referenceAttention(qi, ki, vi, c.batch, c.heads, c.lq, c.lk, keyMask, c.causal);
              const grads = (fn: (...args: Args) => tf.Tensor2D) => tf.grads((...args: tf.Tensor[]) => fn(...(args as Args)))([q, k, v], dy);
              assertClose(fused(q, k, v), reference(q, k, v), 1e-4, 'out');
              const got = grads(fused);
              const want = grads(reference);
              for (const [i, name] of ['dq', 'dk', 'dv'].entries()) assertClose(got[i]!, want[i]!, 1e-4, name);
            }),
          );
        });
      }

      it('rejects inconsistent shapes and masks, naming them', () => {
        tf.tidy(() => {
          const x = tf.ones([6, 4]) as tf.Tensor2D;
          assert.throws(() => attention(x, x, x, { batch: 2, heads: 3, lq: 3, lk: 3 }), /dim 4 is not divisible by 3 heads/);
          assert.throws(() => attention(x, x, x, { batch: 3, heads: 2, lq: 3, lk: 3 }), /do not fit batch 3, lq 3, lk 3/);
          assert.throws(() => attention(x, x, x, { batch: 2, heads: 2, lq: 3, lk: 3, keyMask: tf.zeros([2, 4]) }), /keyMask has 8 values, expected batch·lk = 6/);
          assert.throws(() => attention(tf.ones([4, 4]) as tf.Tensor2D, x, x, { batch: 2, heads: 2, lq: 2, lk: 3, causal: true }), /a causal mask needs lq = lk, found 2 and 3/);
        });
      });
    });

    it('handles empty batches and int32 masks and weights like the op-by-op form', () => {
      assertNoTensorLeak(() =>
        tf.tidy(() => {
          assert.deepEqual(layerNorm(tf.zeros([0, 4]), tf.ones([4]), tf.zeros([4])).shape, [0, 4]);
          const none = tf.zeros([0, 4]) as tf.Tensor2D;
          assert.deepEqual(attention(none, none, none, { batch: 0, heads: 2, lq: 3, lk: 3 }).shape, [0, 4]);
          const q = random([6, 4], 31) as tf.Tensor2D;
          const maskInt = tf.tensor2d([0, 0, 1, 0, 0, 0], [2, 3], 'int32');
          const viaInt = attention(q, q, q, { batch: 2, heads: 2, lq: 3, lk: 3, keyMask: tf.mul(maskInt, MASKED) });
          const viaFloat = attention(q, q, q, { batch: 2, heads: 2, lq: 3, lk: 3, keyMask: tf.mul(tf.cast(maskInt, 'float32'), MASKED) });
          assertClose(viaInt, viaFloat, 1e-6, 'int32 key mask');
          const logits = random([3, 5], 32) as tf.Tensor2D;
          const targets = tf.tensor1d([1, 2, 3], 'int32');
          assertClose(maskedCrossEntropy(logits, targets, tf.tensor1d([1, 0, 1], 'int32')), maskedCrossEntropy(logits, targets, tf.tensor1d([1, 0, 1])), 1e-6, 'int32 weights');
        }),
      );
    });

    it('differentiates through ids, targets and weights made inside the differentiated function', () => {
      assertNoTensorLeak(() =>
        tf.tidy(() => {
          const table = random([6, 4], 41) as tf.Tensor2D;
          const positions = random([3, 4], 42) as tf.Tensor2D;
          const loss = (t: tf.Tensor, p: tf.Tensor, form: 'fused' | 'reference') => {
            const ids = tf.tensor2d([1, 2, 5, 0, 5, 3], [2, 3], 'int32');
            const targets = tf.tensor1d([0, 1, 2, 3, 0, 1], 'int32');
            const weights = tf.tensor1d([1, 1, 0, 1, 1, 1]);
            const x = form === 'fused' ? embedding(ids, t as tf.Tensor2D, p as tf.Tensor2D) : (tf.add(tf.gather(t, tf.reshape(ids, [6])), tf.tile(p, [2, 1])) as tf.Tensor2D);
            return form === 'fused' ? maskedCrossEntropy(x, targets, weights) : referenceCrossEntropy(x, targets, weights);
          };
          const got = tf.grads((t: tf.Tensor, p: tf.Tensor) => loss(t, p, 'fused'))([table, positions]);
          const want = tf.grads((t: tf.Tensor, p: tf.Tensor) => loss(t, p, 'reference'))([table, positions]);
          assertClose(got[0]!, want[0]!, 1e-5, 'dtable');
          assertClose(got[1]!, want[1]!, 1e-5, 'dpositions');
        }),
      );
    });

    it('frees its outputs when a kernel rejects its input', () => {
      const buffers = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
      tf.tidy(() => {
        const logits = random([2, 3], 51) as tf.Tensor2D;
        const ids = tf.tensor2d([0, 7], [1, 2], 'int32');
        const table = random([3, 2], 52) as tf.Tensor2D;
        const positions = random([2, 2], 53) as tf.Tensor2D;
        const before = buffers();
        assert.throws(() => maskedCrossEntropy(logits, tf.tensor1d([0, 3], 'int32'), tf.ones([2]) as tf.Tensor1D), /3|outside|index/);
        assert.throws(() => embedding(ids, table, positions), /7|outside|index/);
        // The two target/weight tensors made in the calls above are all that is left.
        assert.equal(buffers() - before, 2);
      });
    });

    it(`runs ${native ? 'the native kernels' : 'no native kernel'}`, { skip: native ? productsSkip : false }, async () => {
      const names = await kernelNames(() => {
        const x = embedding(tf.tensor2d([0, 1, 2, 3, 3, 2, 1, 0], [2, 4], 'int32'), random([5, 4], 3) as tf.Tensor2D, random([4, 4], 4) as tf.Tensor2D);
        const y = dense(x, random([4, 4], 2) as tf.Tensor2D, tf.zeros([4]) as tf.Tensor1D);
        const z = layerNorm(attention(y, y, y, { batch: 2, heads: 2, lq: 4, lk: 4, causal: true }), tf.ones([4]) as tf.Tensor1D, tf.zeros([4]) as tf.Tensor1D);
        maskedCrossEntropy(z, tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'), tf.ones([8]) as tf.Tensor1D);
      });
      const ours = [...names].filter((n) => n.startsWith('Veriflow')).sort();
      assert.deepEqual(ours, native ? ['VeriflowAttention', 'VeriflowDense', 'VeriflowEmbedding', 'VeriflowLayerNorm', 'VeriflowSoftmaxXent'] : []);
      assert.equal(nativeProducts() != null, native);
    });
  });
}

describe('native addon argument checks', { skip: addonSkip }, () => {
  it('throws, naming the function and the argument, before any kernel writes outside a view', () => {
    const a = addon.addon!;
    const f = (n: number) => new Float32Array(n);
    assert.throws(() => a.layerNormForward(f(8), null, f(4), f(4), 1e-5, f(8), f(8), f(3)), /layerNormForward: rstd has 3 values, expected 2/);
    assert.throws(() => a.layerNormForward(f(7), null, f(4), f(4), 1e-5, f(8), f(8), f(2)), /layerNormForward: x must hold whole rows/);
    assert.throws(() => a.softmaxXentForward(f(6), new Int32Array([0, 3]), f(2), f(6)), /softmaxXentForward: target 3 of row 1 is outside the vocabulary \[0, 3\)/);
    assert.throws(() => a.softmaxXentForward(f(6), new Int32Array([0, 1]), f(2), f(5)), /probs has 5 values, expected 6/);
    assert.throws(() => a.adam(f(4), f(4), f(4), f(3), 1, 0.9, 0.98, 1e-9, 1e-3), /adam: v has 3 values, expected 4/);
    assert.throws(() => a.layerNormBackward(f(8), f(8), f(2), new Int32Array(4) as unknown as Float32Array, f(8), f(4), f(4)), /layerNormBackward: gamma must be a Float32Array/);
    if (a.status().ok) {
      assert.throws(() => a.attentionForward(f(16), f(16), f(16), null, false, 2, 2, 2, 2, 2, 1, f(15), f(16)), /attentionForward: probs has 15 values, expected 16/);
      assert.throws(() => a.attentionForward(f(16), f(16), f(16), null, false, 2, 2, 2, 2, 0, 1, f(16), f(16)), /attentionForward: dh must be a positive 32-bit integer/);
      assert.throws(() => a.denseBackward(f(6), f(4), f(6), null, 2, 2, 3, false, f(4), f(6), f(2)), /denseBackward: db has 2 values, expected 3/);
    }
    assert.throws(() => a.embeddingForward(new Int32Array([0, 3]), 1, 2, 3, 2, 1, f(3), f(2), f(2)), /embeddingForward: id 3 at 1 is outside the vocabulary \[0, 3\)/);
    assert.throws(() => a.embeddingForward(new Int32Array([0, 1, 2]), 1, 3, 3, 2, 1, f(3), f(2), f(3)), /length must not exceed positionRows/);
    assert.throws(() => a.embeddingBackward(f(2), new Int32Array([0, 1]), 1, 2, 3, 2, 1, f(2), f(2)), /embeddingBackward: dtable has 2 values, expected 3/);
  });
});

describe('switching the fused kernels off', () => {
  it('VERIFLOW_FUSED=off keeps the op-by-op forms and says why; the cpu backend never fuses', async () => {
    process.env['VERIFLOW_FUSED'] = 'off';
    try {
      const engine = await initEngine({ device: 'cpu', native: false });
      assert.equal(engine.fused.used, false);
      assert.match(engine.fused.reason, /switched off \(VERIFLOW_FUSED=off\)/);
      assert.doesNotMatch(engine.label, /fused/);
      assert.equal(nativeKernels(), null);
    } finally {
      delete process.env['VERIFLOW_FUSED'];
    }
    await initEngine({ device: 'cpu', native: false });
    assert.ok(await tf.setBackend('cpu'));
    try {
      assert.equal(nativeKernels(), null, 'no native kernels off the wasm backend');
    } finally {
      assert.ok(await tf.setBackend('wasm'));
    }
  });
});
