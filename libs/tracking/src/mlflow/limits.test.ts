import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyProblem, LIMITS, MlflowValidationError, sanitizeKey, splitBatch, validateBatch, type MetricInput } from './limits.js';

describe('MLflow key rules', () => {
  it('accepts what MLflow accepts', () => {
    for (const key of ['loss', 'train/loss', 'a.b-c_d e', 'ünïcode/κλειδί', 'x'.repeat(250)]) assert.equal(keyProblem(key), undefined, key);
  });

  it('refuses bad characters, over-long keys and non-normalized paths', () => {
    for (const key of ['', 'a:b', 'a\\b', 'a*b', 'x'.repeat(251), '/a', 'a/', 'a//b', './a', 'a/../b', '..', '.']) {
      assert.notEqual(keyProblem(key), undefined, key);
    }
  });

  it('sanitizes into valid keys', () => {
    for (const key of ['a:b', '/a//b/', '../x', 'a/./b', '.', '', 'é'.repeat(300), `${'x'.repeat(249)}/.`]) {
      const fixed = sanitizeKey(key);
      assert.equal(keyProblem(fixed), undefined, `${key} -> ${fixed}`);
    }
    assert.equal(sanitizeKey('a:b'), 'a_b');
    assert.equal(sanitizeKey('/a//b/'), 'a/b');
  });
});

describe('validateBatch', () => {
  it('names the offending key', () => {
    assert.throws(
      () => validateBatch({ params: { 'lr:x': '0.1' } }),
      (e: unknown) => e instanceof MlflowValidationError && e.key === 'lr:x' && e.entity === 'param' && /"lr:x"/.test(e.message),
    );
    assert.throws(() => validateBatch({ params: { big: 'v'.repeat(LIMITS.paramValueLength + 1) } }), /param "big" is invalid: values are at most 6000/);
    assert.throws(() => validateBatch({ tags: { t: 'v'.repeat(LIMITS.tagValueLength + 1) } }), /tag "t" is invalid: values are at most 8000/);
  });

  it('refuses non-finite metric values and non-integer steps', () => {
    for (const value of [Number.NaN, Infinity, -Infinity]) {
      assert.throws(() => validateBatch({ metrics: [{ key: 'loss', value, step: 3 }] }), /metric "loss" is invalid: values must be finite/);
    }
    assert.throws(() => validateBatch({ metrics: [{ key: 'loss', value: 1, step: 1.5 }] }), /step must be an integer/);
  });

  it('refuses a param given twice with different values, and keeps the last value of a tag', () => {
    assert.throws(() => validateBatch({ params: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] }), /given twice/);
    const ok = validateBatch({ params: [{ key: 'a', value: '1' }, { key: 'a', value: '1' }], tags: [{ key: 't', value: '1' }, { key: 't', value: '2' }] });
    assert.deepEqual(ok.params, [{ key: 'a', value: '1' }]);
    assert.deepEqual(ok.tags, [{ key: 't', value: '2' }]);
  });

  it('fixes instead of failing when asked, and says what it changed', () => {
    const fixed = validateBatch(
      {
        metrics: [{ key: 'bad:key', value: 1 }, { key: 'nan', value: Number.NaN, step: 4 }],
        params: { long: 'é'.repeat(7000) },
        tags: { t: 'v'.repeat(9000) },
      },
      'fix',
      1000,
    );
    assert.deepEqual(fixed.metrics, [{ key: 'bad_key', value: 1, step: 0, timestamp: 1000 }]);
    assert.equal([...(fixed.params[0]?.value ?? '')].length, LIMITS.paramValueLength);
    assert.equal(fixed.tags[0]?.value.length, LIMITS.tagValueLength);
    assert.equal(fixed.fixes.length, 4);
    assert.match(fixed.fixes.join('\n'), /"nan" value NaN at step 4 dropped/);
  });
});

describe('splitBatch', () => {
  it('keeps every request within the count limits and loses nothing', () => {
    const metrics: MetricInput[] = Array.from({ length: 2500 }, (_, i) => ({ key: 'm', value: i, step: i, timestamp: 1 }));
    const params = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i}`, String(i)]));
    const tags = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`t${i}`, String(i)]));
    const requests = splitBatch(validateBatch({ metrics, params, tags }));
    for (const r of requests) {
      assert.ok(r.metrics.length <= LIMITS.metricsPerBatch);
      assert.ok(r.params.length <= LIMITS.paramsPerBatch);
      assert.ok(r.tags.length <= LIMITS.tagsPerBatch);
      assert.ok(r.metrics.length + r.params.length + r.tags.length <= LIMITS.entitiesPerBatch);
    }
    assert.equal(requests.reduce((n, r) => n + r.metrics.length, 0), 2500);
    assert.equal(requests.reduce((n, r) => n + r.params.length, 0), 150);
    assert.equal(requests.reduce((n, r) => n + r.tags.length, 0), 120);
    assert.deepEqual(
      requests.flatMap((r) => r.metrics.map((m) => m.step)),
      metrics.map((m) => m.step),
    );
    // 2770 entities need at least 3 requests; the packing should not need more than 4.
    assert.ok(requests.length >= 3 && requests.length <= 4, `${requests.length} requests`);
  });

  it('keeps request bodies under the byte limit', () => {
    const tags = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`t${i}`, 'x'.repeat(8000)]));
    const params = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`p${i}`, 'y'.repeat(6000)]));
    const requests = splitBatch(validateBatch({ tags, params }));
    for (const r of requests) assert.ok(Buffer.byteLength(JSON.stringify({ run_id: 'x'.repeat(32), ...r })) < LIMITS.requestBytes);
    assert.ok(requests.length >= 2);
  });

  it('sends nothing for an empty batch', () => {
    assert.deepEqual(splitBatch(validateBatch({})), []);
  });
});
