import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { sha256Hex } from './canonical-json.js';
import { ObjectStore } from './object-store.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'veriflow-objects-'));
  dirs.push(dir);
  return dir;
}

test('putFile stores content by digest, deduplicates and leaves the source alone', async () => {
  const dir = await tempDir();
  const store = new ObjectStore(join(dir, 'objects'), { stagingDir: join(dir, 'tmp') });
  await writeFile(join(dir, 'a.txt'), 'same bytes');
  await writeFile(join(dir, 'b.txt'), 'same bytes');

  const a = await store.putFile(join(dir, 'a.txt'));
  const b = await store.putFile(join(dir, 'b.txt'));
  const hex = sha256Hex('same bytes');
  assert.deepEqual(a, { digest: `sha256:${hex}`, size: 10, path: join(dir, 'objects', hex.slice(0, 2), hex.slice(2)) });
  assert.deepEqual(b, a);
  assert.equal(store.pathOf(a.digest), a.path);
  assert.equal(store.has(a.digest), true);
  assert.deepEqual(await readdir(join(dir, 'objects', hex.slice(0, 2))), [hex.slice(2)]);
  assert.equal(await readFile(join(dir, 'a.txt'), 'utf8'), 'same bytes');
  assert.equal((await stat(a.path)).mode & 0o777, 0o444, 'objects are read-only');
  assert.deepEqual(await readdir(join(dir, 'tmp')), [], 'no staging leftovers');
});

test('putFile with move takes the source, even when the object already exists', async () => {
  const dir = await tempDir();
  const store = new ObjectStore(join(dir, 'objects'));
  await writeFile(join(dir, 'one'), 'payload');
  await writeFile(join(dir, 'two'), 'payload');
  const first = await store.putFile(join(dir, 'one'), { move: true });
  const second = await store.putFile(join(dir, 'two'), { move: true });
  assert.equal(second.digest, first.digest);
  assert.equal(await readFile(first.path, 'utf8'), 'payload');
  assert.deepEqual((await readdir(dir)).sort(), ['objects']);
  const empty = await store.putData('');
  assert.equal(empty.digest, `sha256:${sha256Hex('')}`);
  assert.equal(empty.size, 0);
});

test('verify re-hashes and deletes a corrupt object', async () => {
  const dir = await tempDir();
  const store = new ObjectStore(join(dir, 'objects'));
  const stored = await store.putData('model weights');
  assert.equal(await store.verify(stored.digest), true);

  await chmod(stored.path, 0o644);
  await writeFile(stored.path, 'model weightz');
  assert.equal(store.has(stored.digest), true, 'has() does not re-hash');
  assert.equal(await store.verify(stored.digest), false);
  assert.equal(store.has(stored.digest), false, 'the corrupt object is gone');
  assert.equal(await store.verify(stored.digest), false, 'missing reads as not verified');

  // Storing the content again repairs the store.
  await store.putData('model weights');
  assert.equal(await store.verify(stored.digest), true);
});

test('a truncated object is replaced by the next put of that content', async () => {
  const dir = await tempDir();
  const store = new ObjectStore(join(dir, 'objects'));
  const stored = await store.putData('0123456789');
  await chmod(stored.path, 0o644);
  await writeFile(stored.path, '01234');
  await store.putData('0123456789');
  assert.equal(await readFile(stored.path, 'utf8'), '0123456789');
});

test('digests are validated before they become paths', () => {
  const store = new ObjectStore('/nowhere');
  for (const bad of ['sha256:../../etc/passwd', 'md5:abc', `sha256:${'A'.repeat(64)}`, 'abc']) {
    assert.throws(() => store.pathOf(bad), /not a valid digest/);
  }
});
