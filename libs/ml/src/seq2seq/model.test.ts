import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { assertNoTensorLeak, initEngine, tf } from '../engine/index.js';
import { EOS_ID } from './special-tokens.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { beamSearch, greedyDecode, sequenceLogProb } from './decode.js';
import { learningRate, makeBatch, shuffledBatches, trainLoop } from './train-loop.js';
import type { SequencePair, Trainer } from './train-loop.js';
import { Transformer } from './transformer.js';
import type { TransformerConfig } from './transformer.js';

const TEST_MODEL = { kind: 'veriflow.test.model/1', producer: 'the test' };
const TINY: TransformerConfig = { dim: 32, heads: 2, encoderLayers: 1, decoderLayers: 1, maxLen: 12, vocab: 12 };

/** Reverse a sequence of 4 symbols from ids 3..10. */
function reversePairs(n: number, seed: number): SequencePair[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const input = Array.from({ length: 4 }, () => 3 + rng.int(8));
    return { input, target: [...input].reverse() };
  });
}

function logitsOf(model: Transformer, src: number[][], tgt: number[][]): Float32Array {
  return tf.tidy(() => model.forward(tf.tensor2d(src, undefined, 'int32'), tf.tensor2d(tgt, undefined, 'int32')).dataSync() as Float32Array);
}

before(async () => {
  await initEngine({ device: 'cpu', native: false });
});

describe('Transformer', () => {
  const models: Transformer[] = [];
  after(() => models.forEach((m) => m.dispose()));

  for (const norm of ['post', 'pre'] as const) {
    it(`${norm}-LN: logits have shape [batch, tgtLen, vocab], and a future target token does not change earlier logits`, () => {
      const model = new Transformer({ ...TINY, norm }, 1);
      models.push(model);
      const src = [
        [3, 4, 5, 6],
        [7, 8, 0, 0],
      ];
      const shape = tf.tidy(() => model.forward(tf.tensor2d(src, undefined, 'int32'), tf.tensor2d([[1, 5, 6, 7], [1, 3, 4, 5]], undefined, 'int32')).shape);
      assert.deepEqual(shape, [2, 4, 12]);
      const a = logitsOf(model, src, [[1, 5, 6, 7], [1, 3, 4, 5]]);
      const b = logitsOf(model, src, [[1, 5, 6, 9], [1, 3, 10, 5]]);
      const V = 12;
      const T = 4;
      const row = (x: Float32Array, i: number, t: number) => Array.from(x.subarray((i * T + t) * V, (i * T + t + 1) * V));
      // Sequence 0 changed at position 3: positions 0..2 unchanged, 3 changed.
      for (let t = 0; t < 3; t++) assert.deepEqual(row(b, 0, t), row(a, 0, t));
      assert.notDeepEqual(row(b, 0, 3), row(a, 0, 3));
      // Sequence 1 changed at position 2.
      for (let t = 0; t < 2; t++) assert.deepEqual(row(b, 1, t), row(a, 1, t));
      assert.notDeepEqual(row(b, 1, 2), row(a, 1, 2));
    });
  }

  it('ignores source PAD: extra padding does not change the logits', () => {
    const model = new Transformer(TINY, 2);
    models.push(model);
    const a = logitsOf(model, [[3, 4, 5]], [[1, 6]]);
    const b = logitsOf(model, [[3, 4, 5, 0, 0]], [[1, 6]]);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-5);
  });

  it('is deterministic for a seed and rejects bad configs', () => {
    const a = new Transformer(TINY, 7);
    const b = new Transformer(TINY, 7);
    const c = new Transformer(TINY, 8);
    models.push(a, b, c);
    const x = logitsOf(a, [[3, 4]], [[1, 5]]);
    assert.deepEqual(logitsOf(b, [[3, 4]], [[1, 5]]), x);
    assert.notDeepEqual(logitsOf(c, [[3, 4]], [[1, 5]]), x);
    assert.throws(() => new Transformer({ ...TINY, heads: 3 }, 1), /not divisible/);
    assert.throws(() => logitsOf(a, [Array.from({ length: 13 }, () => 3)], [[1]]), /longer than the model's maxLen 12/);
  });
});

describe('training and decoding', () => {
  let model: Transformer;
  let trainer: Trainer;
  const pairs = reversePairs(512, 3);
  const options = { lr: 3e-3, warmup: 20, totalSteps: 300, clip: 1, batchSize: 32 };

  before(() => {
    model = new Transformer(TINY, 11);
  });
  after(() => {
    trainer.dispose();
    model.dispose();
  });

  it('learning rate: linear warm-up, then cosine decay to the floor', () => {
    const o = { lr: 1, warmup: 10, totalSteps: 110 };
    assert.equal(learningRate(0, o), 0.1);
    assert.equal(learningRate(9, o), 1);
    assert.equal(learningRate(10, o), 1);
    assert.ok(Math.abs(learningRate(60, o) - 0.5) < 1e-12);
    assert.ok(learningRate(110, o) < 1e-12);
    assert.ok(Math.abs(learningRate(110, { ...o, minLrFraction: 0.1 }) - 0.1) < 1e-12);
  });

  it('learns to reverse a sequence in 300 steps, with no tensor leak across steps', async () => {
    const counts: number[] = [];
    const result = await trainLoop(model, pairs, {
      ...options,
      rng: createRng(5),
      onStep: () => {
        counts.push(tf.memory().numTensors);
      },
    });
    trainer = result.trainer;
    const first = result.losses.slice(0, 10).reduce((a, b) => a + b) / 10;
    const last = result.losses.slice(-10).reduce((a, b) => a + b) / 10;
    assert.equal(result.losses.length, 300);
    assert.ok(last < 0.2 * first, `loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
    assert.equal(new Set(counts.slice(1)).size, 1, `numTensors per step: ${[...new Set(counts)].join(',')}`);
    // And explicitly: one more step leaves the tensor count unchanged.
    const batch = makeBatch(pairs.slice(0, 32));
    await assertNoTensorLeak(() => trainer.trainStep(batch), { label: 'trainStep' });
    // The model reverses unseen sequences greedily.
    const test = reversePairs(50, 99);
    const out = await greedyDecode(model, test.map((p) => p.input), { maxLength: 6 });
    const correct = out.filter((h, i) => h.finished && h.tokens.join() === test[i]!.target.join()).length;
    assert.ok(correct >= 40, `${correct}/50 reversed`);
  });

  it('beam search: B = 1 equals greedy; scores sorted and equal to the summed log-probs of a forward pass', async () => {
    const inputs = reversePairs(20, 7).map((p) => p.input);
    inputs.push([3, 4], [10, 10, 10, 10, 10, 10, 10]); // off-distribution: longer, unfinished beams
    const greedy = await greedyDecode(model, inputs, { maxLength: 6, batchSize: 8 });
    const beam1 = await assertNoTensorLeak(() => beamSearch(model, inputs, 1, { maxLength: 6, batchSize: 8 }));
    assert.deepEqual(beam1.map((b) => b[0]!.tokens), greedy.map((g) => g.tokens));
    beam1.forEach((b, i) => assert.ok(Math.abs(b[0]!.score - greedy[i]!.score) < 1e-4));
    const beams = await assertNoTensorLeak(() => beamSearch(model, inputs, 4, { maxLength: 6, batchSize: 16 }));
    for (const [i, row] of beams.entries()) {
      assert.equal(row.length, 4);
      for (let k = 1; k < row.length; k++) assert.ok(row[k - 1]!.score >= row[k]!.score, 'sorted');
      assert.ok(row[0]!.score >= greedy[i]!.score - 1e-4, 'beam top ≥ greedy');
      assert.equal(new Set(row.map((h) => `${h.tokens.join()}|${h.finished}`)).size, 4, 'distinct hypotheses');
      for (const h of row) {
        assert.ok(!h.tokens.includes(EOS_ID));
        const recomputed = await sequenceLogProb(model, inputs[i]!, h);
        assert.ok(Math.abs(recomputed - h.score) < 1e-3, `score ${h.score} vs forward ${recomputed}`);
      }
    }
  });

  it('checkpoint round trip: identical logits, optimizer state, and a resumed run continues exactly', async () => {
    const bytes = await encodeCheckpoint(model, { kind: TEST_MODEL, seed: 11, trainer, training: { note: 'test' } });
    const loaded = decodeCheckpoint(bytes, TEST_MODEL);
    try {
      assert.equal(loaded.meta.step, trainer.step);
      assert.deepEqual(loaded.meta.training, { note: 'test' });
      const src = [[3, 4, 5, 6]];
      const tgt = [[1, 6, 5, 4]];
      assert.deepEqual(logitsOf(loaded.model, src, tgt), logitsOf(model, src, tgt));
      assert.ok(loaded.optimizer);
      // Resume both for 3 more steps with the same data order: identical losses.
      const more = { ...options, totalSteps: trainer.step + 3 };
      const a = await trainLoop(model, pairs, { ...more, rng: createRng(5), resume: await trainer.state() });
      const b = await trainLoop(loaded.model, pairs, { ...more, rng: createRng(5), resume: loaded.optimizer });
      assert.equal(a.losses.length, 3);
      assert.deepEqual(b.losses, a.losses);
      a.trainer.dispose();
      b.trainer.dispose();
    } finally {
      loaded.model.dispose();
    }
    assert.throws(() => decodeCheckpoint(new Uint8Array(bytes.length).fill(0), TEST_MODEL), /VFT|magic|not a model/);
  });
});

describe('trainLoop', () => {
  it('is deterministic: the same seed gives the same loss curve', async () => {
    const pairs = reversePairs(64, 1);
    const run = async () => {
      const model = new Transformer(TINY, 4);
      const result = await trainLoop(model, pairs, { lr: 1e-3, warmup: 2, totalSteps: 5, clip: 1, batchSize: 16, rng: createRng(9) });
      result.trainer.dispose();
      model.dispose();
      return result.losses;
    };
    const before = tf.memory().numTensors;
    const a = await run();
    const b = await run();
    assert.equal(a.length, 5);
    assert.deepEqual(a, b);
    assert.equal(tf.memory().numTensors, before, 'models and optimizer state disposed');
  });

  it('stops between steps when the signal aborts', async () => {
    const model = new Transformer(TINY, 4);
    const controller = new AbortController();
    let steps = 0;
    await assert.rejects(
      trainLoop(model, reversePairs(64, 1), {
        lr: 1e-3,
        warmup: 2,
        totalSteps: 100,
        batchSize: 8,
        rng: createRng(1),
        signal: controller.signal,
        onStep: () => {
          if (++steps === 3) controller.abort(new Error('stop now'));
        },
      }),
      /stop now/,
    );
    assert.equal(steps, 3);
    model.dispose();
  });

  it('shuffles a new permutation per epoch and keeps every pair', () => {
    const pairs = reversePairs(10, 2);
    const batches = shuffledBatches(pairs, 4, createRng(3));
    const sizes = Array.from({ length: 6 }, () => batches.next().value!.size);
    assert.deepEqual(sizes, [4, 4, 2, 4, 4, 2]);
  });
});
