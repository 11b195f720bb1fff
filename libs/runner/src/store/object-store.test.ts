import assert from 'node:assert/strict';
import { chmod, lstat, mkdtemp, readdir, readFile, rm, stat, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
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

test('verify re-hashes; removeCorrupt deletes a corrupt object', async () => {
  const dir = await tempDir();
  const store = new ObjectStore(join(dir, 'objects'));
  const stored = await store.putData('model weights');
  assert.deepEqual(await store.verify(stored.digest), { status: 'intact' });

  await chmod(stored.path, 0o644);
  await writeFile(stored.path, 'model weightz');
  assert.equal(store.has(stored.digest), true, 'has() does not re-hash');
  const corrupt = await store.verify(stored.digest);
  assert.equal(corrupt.status, 'corrupt');
  assert.match(corrupt.status === 'corrupt' ? corrupt.problem : '', /^digest mismatch \(its 13 bytes hash to sha256:[0-9a-f]{12}…\)$/);
  assert.deepEqual(await store.removeCorrupt(stored.digest), corrupt);
  assert.equal(store.has(stored.digest), false, 'the corrupt object is gone');
  assert.deepEqual(await store.verify(stored.digest), { status: 'missing' });

  // Storing the content again repairs the store.
  await store.putData('model weights');
  assert.deepEqual(await store.verify(stored.digest), { status: 'intact' });
  assert.deepEqual(await store.removeCorrupt(stored.digest), { status: 'intact' }, 'an intact object is kept');
  assert.equal(store.has(stored.digest), true);
});

test('check catches an object edited in place to the same size, even with its mtime put back', async () => {
  const dir = await tempDir();
  const store = new ObjectStore(join(dir, 'objects'));
  const stored = await store.putData('model weights');
  assert.deepEqual(await store.check(stored.digest, stored.size), { status: 'intact' });
  const before = await stat(stored.path);

  await chmod(stored.path, 0o644);
  await writeFile(stored.path, 'model weightz');
  await utimes(stored.path, before.atime, before.mtime);
  const checked = await store.check(stored.digest, stored.size);
  assert.equal(checked.status, 'corrupt');
  assert.match(checked.status === 'corrupt' ? checked.problem : '', /^digest mismatch/);

  await writeFile(stored.path, 'model');
  assert.deepEqual(await store.check(stored.digest, stored.size), { status: 'corrupt', problem: 'is 5 bytes, expected 13' });
  // The next put of that content replaces the damaged copy.
  await store.putData('model weights');
  assert.deepEqual(await store.check(stored.digest, stored.size), { status: 'intact' });
  await unlink(stored.path);
  assert.deepEqual(await store.check(stored.digest, stored.size), { status: 'missing' });
});

test('putFile stores the bytes a symbolic link points to, never the link, and never touches its target', async () => {
  const dir = await tempDir();
  const store = new ObjectStore(join(dir, 'objects'), { stagingDir: join(dir, 'tmp') });
  const outside = join(dir, 'outside.bin');
  await writeFile(outside, 'dataset v1');
  await chmod(outside, 0o640);
  for (const move of [false, true]) {
    const link = join(dir, `link-${move}`);
    await symlink(outside, link);
    const stored = await store.putFile(link, { move });
    assert.equal(stored.digest, `sha256:${sha256Hex('dataset v1')}`);
    assert.ok((await lstat(stored.path)).isFile(), 'the object is a regular file');
    assert.equal((await stat(outside)).mode & 0o777, 0o640, "the link's target keeps its mode");
    assert.equal(await readFile(outside, 'utf8'), 'dataset v1');
    assert.equal(await lstat(link).then(() => 'there', () => 'gone'), move ? 'gone' : 'there');
  }
  await writeFile(outside, 'dataset v2');
  assert.equal(await readFile(store.pathOf(`sha256:${sha256Hex('dataset v1')}`), 'utf8'), 'dataset v1', 'a later edit of the target does not reach the object');
});

test('an object that is a symbolic link (stored by an older version) is corrupt and replaced by the next put', async () => {
  const dir = await tempDir();
  const store = new ObjectStore(join(dir, 'objects'));
  const stored = await store.putData('weights');
  await unlink(stored.path);
  await writeFile(join(dir, 'elsewhere'), 'weights');
  await symlink(join(dir, 'elsewhere'), stored.path);
  assert.deepEqual(await store.check(stored.digest, stored.size), { status: 'corrupt', problem: 'is a symbolic link, not a stored copy' });
  assert.deepEqual(await store.verify(stored.digest), { status: 'corrupt', problem: 'is a symbolic link, not a stored copy' });
  await store.putData('weights');
  assert.ok((await lstat(stored.path)).isFile());
  assert.deepEqual(await store.digests(), [stored.digest]);
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
