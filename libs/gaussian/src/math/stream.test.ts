import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { meanVector } from './model.js';
import { streamKeptRows, streamStatistics } from './stream.js';
import { rateEstimates } from './types.js';
import type { CellConfig, Verifier } from './types.js';

const d = 7;
const mu = meanVector(d, 1.2, createRng(1));

describe('streamStatistics', () => {
  it('accumulates exactly XᵀX and Xᵀy′ of the rows it keeps, with consistent counts', () => {
    const b = meanVector(d, 1, createRng(2));
    const verifiers: Verifier[] = [
      { kind: 'oracle' },
      { kind: 'random', r: 0.3 },
      { kind: 'rates', phi: 0.9, psi: 0.2 },
      { kind: 'linear', b, margin: 0.3 },
      { kind: 'model', w: b },
    ];
    for (const verifier of verifiers) {
      for (const generator of [{ kind: 'flip', p: 0.3 } as const, { kind: 'linear', a: mu } as const]) {
        const cell: CellConfig = { mu, n: 5000, generator, verifier };
        const { stats, rows } = streamKeptRows(cell, createRng(5), { chunkRows: 333 });
        assert.equal(rows.count, stats.kept);
        assert.equal(stats.kept, stats.keptCorrect + stats.keptWrong);
        assert.equal(stats.correct + stats.wrong, 5000);
        let keptCorrect = 0;
        const xtx = new Float64Array(d * d);
        const xty = new Float64Array(d);
        for (let r = 0; r < rows.count; r++) {
          if (rows.y[r] === rows.trueY[r]) keptCorrect++;
          for (let i = 0; i < d; i++) {
            xty[i]! += (rows.y[r] as number) * (rows.x[r * d + i] as number);
            for (let j = 0; j < d; j++) xtx[i * d + j]! += (rows.x[r * d + i] as number) * (rows.x[r * d + j] as number);
          }
        }
        assert.equal(keptCorrect, stats.keptCorrect);
        for (let k = 0; k < d * d; k++) assert.ok(Math.abs((xtx[k] as number) - (stats.xtx[k] as number)) < 1e-9);
        for (let k = 0; k < d; k++) assert.ok(Math.abs((xty[k] as number) - (stats.xty[k] as number)) < 1e-9);
        if (verifier.kind === 'oracle') assert.equal(stats.keptWrong, 0);
      }
    }
  });

  it('does not depend on the chunk size, and is reproducible for a seed', () => {
    const cell: CellConfig = { mu, n: 3001, generator: { kind: 'flip', p: 0.2 }, verifier: { kind: 'random', r: 0.5 } };
    const a = streamStatistics(cell, createRng(9), { chunkRows: 4096 });
    const b = streamStatistics(cell, createRng(9), { chunkRows: 17 });
    assert.equal(a.kept, b.kept);
    for (let k = 0; k < d * d; k++) assert.ok(Math.abs((a.xtx[k] as number) - (b.xtx[k] as number)) < 1e-9);
    assert.deepEqual(streamStatistics(cell, createRng(9)), a);
    assert.notEqual(streamStatistics(cell, createRng(10)).kept + 0.5, a.kept + 0.5 + 1e9);
  });

  it('measures φ̂, ψ̂, p̂ and p̂* of a rates verifier within 4 standard errors', () => {
    const n = 100_000;
    const s = streamStatistics({ mu, n, generator: { kind: 'flip', p: 0.25 }, verifier: { kind: 'rates', phi: 0.7, psi: 0.35 } }, createRng(11));
    const r = rateEstimates(s);
    assert.ok(Math.abs(r.pHat - 0.25) < 4 * Math.sqrt((0.25 * 0.75) / n));
    assert.ok(Math.abs(r.phiHat - 0.7) < 4 * Math.sqrt((0.7 * 0.3) / s.correct));
    assert.ok(Math.abs(r.psiHat - 0.35) < 4 * Math.sqrt((0.35 * 0.65) / s.wrong));
    assert.ok(Math.abs(r.pStarHat - 2 / 3) < 0.02);
  });

  it('handles n = 0 and rejects invalid cells', () => {
    const s = streamStatistics({ mu, n: 0, generator: { kind: 'flip', p: 0.1 }, verifier: { kind: 'oracle' } }, createRng(1));
    assert.equal(s.kept, 0);
    assert.ok(Number.isNaN(rateEstimates(s).phiHat));
    assert.throws(() => streamStatistics({ mu, n: 10, generator: { kind: 'flip', p: 1.5 }, verifier: { kind: 'oracle' } }, createRng(1)), /p = 1.5/);
    assert.throws(
      () => streamStatistics({ mu, n: 10, generator: { kind: 'linear', a: new Float64Array(3) }, verifier: { kind: 'oracle' } }, createRng(1)),
      /3 coordinates/,
    );
  });
});
