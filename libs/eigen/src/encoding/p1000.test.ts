import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '@veriflow/step-api';
import { decodeMatrix, decodeVector, encodeMatrix, encodeNumber, encodeVector, encodedLength, roundP1000 } from './p1000.js';
import { BOS_ID, EOS_ID, PAD_ID, TOKENS, VOCABULARY_SIZE, idOf, toIds, toTokens, tokenOf } from './vocabulary.js';

/** |a − b| within a few ulps of the larger. */
function nearlyEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= 4 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b));
}

describe('P1000 vocabulary', () => {
  it('has fixed ids: specials, signs, 1000 mantissas, 201 exponents, V1..V100', () => {
    assert.equal(VOCABULARY_SIZE, 5 + 1000 + 201 + 100);
    assert.deepEqual([PAD_ID, BOS_ID, EOS_ID], [0, 1, 2]);
    assert.deepEqual(TOKENS.slice(0, 6), ['<pad>', '<s>', '</s>', '+', '-', '0']);
    assert.equal(idOf('999'), 1004);
    assert.equal(idOf('E-100'), 1005);
    assert.equal(idOf('E100'), 1205);
    assert.equal(idOf('V1'), 1206);
    assert.equal(tokenOf(1305), 'V100');
    assert.equal(tokenOf(1306), undefined);
    assert.equal(tokenOf(1.5), undefined);
    assert.equal(new Set(TOKENS).size, TOKENS.length);
  });

  it('maps tokens to ids and back, rejecting unknown ones', () => {
    const tokens = ['V2', 'V1', '+', '314', 'E-2', '-', '100', 'E0'];
    assert.deepEqual(toTokens(toIds(tokens)), tokens);
    assert.throws(() => toIds(['+', 'E101']), /token 1 "E101" is not in the p1000\/1 vocabulary/);
    assert.throws(() => toTokens([3, 5000]), /token id 5000 at position 1/);
  });
});

describe('encodeNumber', () => {
  it('writes sign, 3-digit mantissa and exponent as LAWT does', () => {
    assert.deepEqual(encodeNumber(3.14159), ['+', '314', 'E-2']);
    assert.deepEqual(encodeNumber(-0.000123456), ['-', '123', 'E-6']);
    assert.deepEqual(encodeNumber(10), ['+', '100', 'E-1']);
    assert.deepEqual(encodeNumber(999.6), ['+', '100', 'E1']);
    assert.deepEqual(encodeNumber(123456), ['+', '123', 'E3']);
  });

  it('writes zero (and −0) as + 0 E0', () => {
    assert.deepEqual(encodeNumber(0), ['+', '0', 'E0']);
    assert.deepEqual(encodeNumber(-0), ['+', '0', 'E0']);
  });

  it('flushes magnitudes below 1e-98 to zero and saturates above 9.99e102', () => {
    assert.deepEqual(encodeNumber(1e-98), ['+', '100', 'E-100']);
    assert.deepEqual(encodeNumber(-9.99e-99), ['+', '0', 'E0']);
    assert.deepEqual(encodeNumber(1e-300), ['+', '0', 'E0']);
    assert.deepEqual(encodeNumber(9.99e102), ['+', '999', 'E100']);
    assert.deepEqual(encodeNumber(1e103), ['+', '999', 'E100']);
    assert.deepEqual(encodeNumber(-Number.MAX_VALUE), ['-', '999', 'E100']);
  });

  it('refuses non-finite numbers', () => {
    assert.throws(() => encodeNumber(NaN), /cannot encode NaN/);
    assert.throws(() => encodeNumber(Infinity), /cannot encode Infinity/);
  });
});

describe('encodeMatrix / encodeVector', () => {
  it('prefixes a 5×5 matrix with V5 V5: 77 tokens', () => {
    const a = Float64Array.from({ length: 25 }, (_, k) => k - 12.5);
    const tokens = encodeMatrix(a, 5);
    assert.equal(tokens.length, 77);
    assert.equal(encodedLength(5, 5), 77);
    assert.deepEqual(tokens.slice(0, 5), ['V5', 'V5', '-', '125', 'E-1']);
  });

  it('writes an eigenvalue vector as LAWT\'s 5×1 column: V5 V1, 17 tokens', () => {
    const tokens = encodeVector([20.1, 5, 0, -3.3, -17]);
    assert.equal(tokens.length, 17);
    assert.equal(encodedLength(5, 1), 17);
    assert.deepEqual(tokens.slice(0, 5), ['V5', 'V1', '+', '201', 'E-1']);
  });

  it('rejects shapes that do not fit', () => {
    assert.throws(() => encodeMatrix([1, 2, 3], 2), /3 entries for a 2×2 matrix/);
    assert.throws(() => encodeVector(new Float64Array(101)), /1 to 100; got 101/);
  });
});

describe('decodeVector / decodeMatrix', () => {
  it('round-trips a matrix and a vector to 3 significant digits', () => {
    const a = [1.23456, -9.87654, 0, 4.5e-7, -3e5, 7.777];
    const m = decodeMatrix(encodeMatrix(a, 2, 3));
    assert.ok(!('malformed' in m));
    assert.equal(m.rows, 2);
    assert.equal(m.cols, 3);
    assert.deepEqual(Array.from(m.entries), [1.23, -9.88, 0, 4.5e-7, -3e5, 7.78]);
    assert.deepEqual(decodeVector(encodeVector([12.345, -0.5, 0]), 3), [12.3, -0.5, 0]);
  });

  it('accepts ids or tokens, a leading <s>, and stops at </s> or <pad>', () => {
    const ids = toIds(encodeVector([1, 2]));
    assert.deepEqual(decodeVector(ids), [1, 2]);
    assert.deepEqual(decodeVector([BOS_ID, ...ids, EOS_ID, 17, 99999]), [1, 2]);
    assert.deepEqual(decodeVector(Int32Array.from([...ids, PAD_ID, PAD_ID])), [1, 2]);
    assert.deepEqual(decodeVector(['<s>', ...encodeVector([1, 2]), '</s>']), [1, 2]);
  });

  it('reports malformed sequences with a reason and never throws', () => {
    const good = encodeVector([1, 2, 3]);
    const cases: [readonly (string | number)[], RegExp, number?][] = [
      [[], /empty sequence/],
      [['</s>'], /empty sequence/],
      [['V3'], /position 1: expected a dimension token V1..V100, found the end of the sequence/],
      [['+', ...good.slice(1)], /position 0: expected a dimension token/],
      [good.slice(0, -1), /needs 9 number tokens, found 8/],
      [[...good, '+'], /needs 9 number tokens, found 10/],
      [good, /shape 3×1: expected 4 rows/, 4],
      [['V3', 'V2', ...good.slice(2)], /expected 1 column/],
      [['V3', 'V1', '314', '+', 'E0', ...good.slice(5)], /position 2: expected a sign \(\+ or -\), found "314"/],
      [['V3', 'V1', '+', 'E0', 'E0', ...good.slice(5)], /position 3: expected a mantissa 0..999, found "E0"/],
      [['V3', 'V1', '+', '100', 'V1', ...good.slice(5)], /position 4: expected an exponent/],
      [['V3', 'V1', '+', '1000', 'E0', ...good.slice(5)], /position 3: unknown token "1000"/],
      [[...toIds(good).slice(0, 3), 1306], /position 3: unknown token id 1306/],
      [[...toIds(good).slice(0, 3), -1], /unknown token id -1/],
      [[...toIds(good).slice(0, 3), 2.5], /unknown token id 2.5/],
      [['V3', '<s>', ...good.slice(1)], /unexpected <s> inside the sequence/],
    ];
    for (const [sequence, reason, dim] of cases) {
      const decoded = decodeVector(sequence, dim);
      assert.ok(!Array.isArray(decoded), `${JSON.stringify(sequence)} should be malformed`);
      assert.match(decoded.malformed, reason);
    }
  });

  it('reads non-normalised mantissas and −0 as numbers', () => {
    assert.deepEqual(decodeVector(['V2', 'V1', '+', '5', 'E0', '-', '0', 'E3']), [5, 0]);
  });
});

describe('P1000 round trip, property style', () => {
  it('decode(encode(x)) is x rounded to 3 significant digits, and re-encodes identically, over 10k values', () => {
    const rng = createRng(42);
    const values: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const magnitude = 10 ** (rng.uniform() * 196 - 97); // 1e-97 .. 1e99: inside the exponent range
      values.push((rng.uniform() < 0.5 ? -1 : 1) * magnitude * (1 + rng.uniform() * 9));
    }
    for (let start = 0; start < values.length; start += 100) {
      const chunk = values.slice(start, start + 100);
      const tokens = encodeVector(chunk);
      const decoded = decodeVector(toIds(tokens), chunk.length);
      assert.ok(Array.isArray(decoded), JSON.stringify(decoded));
      decoded.forEach((y, i) => {
        const x = chunk[i]!;
        const expected = Number(x.toPrecision(3));
        assert.ok(nearlyEqual(y, expected), `${x} decoded as ${y}, expected ${expected}`);
        // Rounding to 3 significant digits moves a number by at most half a unit of its third digit.
        assert.ok(Math.abs(y - x) <= 0.005 * Math.abs(x) * (1 + 1e-12), `${x} → ${y}`);
        assert.equal(Math.sign(y), Math.sign(x));
        assert.equal(roundP1000(x), y);
      });
      assert.deepEqual(encodeVector(decoded), tokens);
    }
  });

  it('round-trips every mantissa and exponent exactly once encoded', () => {
    for (let e = -100; e <= 100; e += 7) {
      for (const m of [100, 101, 314, 999]) {
        const x = m * 10 ** e;
        const tokens = encodeNumber(x);
        assert.deepEqual(tokens, ['+', String(m), `E${e}`], `${x}`);
      }
    }
  });
});
