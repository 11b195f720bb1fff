import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { initEngine } from '../engine/index.js';
import { sequenceLogProb } from './decode.js';
import { drawToken, sampleSequences } from './sample.js';
import { scoreSequences } from './score.js';
import { BOS_ID, EOS_ID, PAD_ID } from './special-tokens.js';
import { Transformer } from './transformer.js';

// An untrained model: its next-token distributions are spread out, so samples differ and run long.
const CONFIG = { dim: 16, heads: 2, encoderLayers: 1, decoderLayers: 1, maxLen: 12, vocab: 9 };
const INPUTS = [[3, 4, 5], [6, 7], [8, 3, 3, 4], [5]];

before(async () => {
  await initEngine({ device: 'cpu', native: false });
});

describe('sampleSequences', () => {
  let model: Transformer;
  before(() => {
    model = new Transformer(CONFIG, 5);
  });
  after(() => model.dispose());
  const sample = (seed: number, batchSize: number, temperature = 1) =>
    sampleSequences(model, INPUTS, { samples: 3, temperature, maxLength: 8, batchSize, rngFor: (input, k) => createRng(seed).fork(`${input}/${k}`) });

  it('records, for every drawn token, the model\'s own log-probability: their sum is the teacher-forced log-likelihood', async () => {
    const samples = await sample(1, 64, 1.5);
    const scored = await scoreSequences(model, samples.flatMap((row, i) => row.map((s) => ({ input: INPUTS[i]!, target: s.tokens }))));
    samples.flat().forEach((s, j) => {
      assert.equal(s.tokenLogProbs.length, s.tokens.length + (s.finished ? 1 : 0));
      assert.ok(!s.tokens.includes(EOS_ID) && !s.tokens.includes(PAD_ID) && !s.tokens.includes(BOS_ID));
      // Scoring always adds EOS; a sample cut at maxLength has no EOS term.
      const expected = s.finished ? scored[j]! : scored[j]!.slice(0, -1);
      s.tokenLogProbs.forEach((lp, t) => assert.ok(Math.abs(lp - expected[t]!) < 1e-4, `sample ${j} token ${t}: ${lp} vs ${expected[t]}`));
    });
    const first = samples[0]![0]!;
    const total = first.tokenLogProbs.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - (await sequenceLogProb(model, INPUTS[0]!, first))) < 1e-4);
  });

  it('gives the same K samples for the same seed whatever the batch size, and other samples for another seed', async () => {
    const a = await sample(7, 64);
    assert.deepEqual(await sample(7, 3), a);
    assert.equal(a.length, INPUTS.length);
    for (const row of a) assert.equal(row.length, 3);
    assert.notDeepEqual((await sample(8, 64)).map((row) => row.map((s) => s.tokens)), a.map((row) => row.map((s) => s.tokens)));
    const distinct = new Set(a.flat().map((s) => s.tokens.join(',')));
    assert.ok(distinct.size > 1, 'the K samples of an untrained model differ');
  });

  it('rejects a non-positive temperature or sample count', async () => {
    await assert.rejects(sampleSequences(model, INPUTS, { samples: 2, temperature: 0, maxLength: 4, rngFor: () => createRng(1) }), /temperature must be positive/);
    await assert.rejects(sampleSequences(model, INPUTS, { samples: 0, temperature: 1, maxLength: 4, rngFor: () => createRng(1) }), /samples must be a positive integer/);
  });
});

describe('drawToken', () => {
  it('draws in proportion to exp(logp / T), never PAD or BOS', () => {
    const logp = Float32Array.from([0, 0, Math.log(0.5), Math.log(0.25), Math.log(0.25)]);
    const rng = createRng(3);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 20000; i++) counts[drawToken(logp, 0, 5, 1, rng)]!++;
    assert.deepEqual(counts.slice(0, 2), [0, 0]);
    assert.ok(Math.abs(counts[2]! / 20000 - 0.5) < 0.02 && Math.abs(counts[3]! / 20000 - 0.25) < 0.02, counts.join(','));
    // A low temperature concentrates on the mode.
    let mode = 0;
    for (let i = 0; i < 1000; i++) if (drawToken(logp, 0, 5, 0.05, rng) === 2) mode++;
    assert.ok(mode > 990, `${mode}`);
  });
});
