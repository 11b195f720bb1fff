import assert from 'node:assert/strict';
import type { BigIntStats } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fingerprintHolds, fingerprintOf, readFingerprint, writeFingerprint } from './object-fingerprint.js';

const SECOND = 1_000_000_000n;
const stats = (fields: Partial<Record<'size' | 'ino' | 'mtimeNs' | 'ctimeNs', bigint>> = {}): BigIntStats =>
  ({ size: 13n, ino: 42n, mtimeNs: 100n * SECOND, ctimeNs: 100n * SECOND, ...fields }) as BigIntStats;

test('a fingerprint holds while size, inode, mtime and ctime are unchanged', () => {
  const recorded = fingerprintOf(stats(), 105n * SECOND);
  assert.equal(fingerprintHolds(recorded, stats()), true);
  for (const changed of [{ size: 14n }, { ino: 43n }, { mtimeNs: 100n * SECOND + 1n }, { ctimeNs: 101n * SECOND }]) {
    assert.equal(fingerprintHolds(recorded, stats(changed)), false, `changed ${Object.keys(changed)[0]}`);
  }
  assert.equal(fingerprintHolds(undefined, stats()), false);
});

test('a fingerprint taken within two seconds of the last change is not trusted (racy, as in git)', () => {
  assert.equal(fingerprintHolds(fingerprintOf(stats(), 101n * SECOND), stats()), false);
  assert.equal(fingerprintHolds(fingerprintOf(stats(), 102n * SECOND), stats()), true);
});

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

test('fingerprint files round-trip; a damaged one reads as none', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'veriflow-fingerprint-'));
  dirs.push(dir);
  const path = join(dir, 'ab', 'cd.json');
  const fingerprint = fingerprintOf(stats(), 105n * SECOND);
  await writeFingerprint(path, fingerprint);
  assert.deepEqual(readFingerprint(path), fingerprint);
  await writeFile(path, '{"size": 13}');
  assert.equal(readFingerprint(path), undefined);
  assert.equal(readFingerprint(join(dir, 'none.json')), undefined);
});
