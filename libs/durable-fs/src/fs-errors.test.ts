import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeFileAtomic } from './atomic-write.js';
import { FileSystemError, fileSystemError } from './fs-errors.js';
import { mountScratch } from './testing/scratch-mount.js';

const scratch = mountScratch(256 * 1024);
const skip = 'skip' in scratch ? scratch.skip : false;

describe('writes a file system refuses', { skip }, () => {
  const mount = scratch as Exclude<typeof scratch, { skip: string }>;
  after(() => mount.dispose?.());

  it('a full disk fails with a FileSystemError naming the target, keeps the old file and leaves no temp file', async () => {
    const target = join(mount.dir, 'state', 'lock.json');
    await writeFileAtomic(target, 'old\n');
    const error = await writeFileAtomic(target, Buffer.alloc(1024 * 1024)).then(
      () => assert.fail('a 1 MiB write into 256 KiB succeeded'),
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof FileSystemError, String(error));
    assert.equal(error.code, 'ENOSPC');
    assert.equal(error.message, `no space left on the device holding ${target}; free some space (or pass --workspace on a larger disk) and run again`);
    assert.equal(await readFile(target, 'utf8'), 'old\n');
    assert.deepEqual(await readdir(join(mount.dir, 'state')), ['lock.json']);
  });

  it('a read-only file system is named as such, also where a recursive mkdir says ENOENT', async () => {
    mount.setReadOnly(true);
    try {
      const nested = join(mount.dir, 'new', 'deeper', 'results.json');
      const error = await writeFileAtomic(nested, '{}').catch((thrown: unknown) => thrown);
      assert.ok(error instanceof FileSystemError, String(error));
      assert.equal(error.code, 'EROFS');
      // Node names the first directory it could not create.
      assert.equal(error.message, `${join(mount.dir, 'new')} is on a read-only file system; remount it read-write or pass --workspace on a writable disk`);
      // The raw error Node gives for the same mkdir, which the conversion sees through.
      const raw = await mkdir(join(mount.dir, 'new', 'deeper'), { recursive: true }).catch((thrown: unknown) => thrown);
      assert.equal((raw as NodeJS.ErrnoException).code, 'ENOENT');
      assert.equal(fileSystemError(raw)?.code, 'EROFS');
    } finally {
      mount.setReadOnly(false);
    }
  });

  it('leaves errors that are not refused writes alone', async () => {
    const missing = await readFile(join(mount.dir, 'missing')).catch((thrown: unknown) => thrown);
    assert.equal(fileSystemError(missing), undefined);
    assert.equal(fileSystemError(new Error('plain')), undefined);
    await writeFile(join(mount.dir, 'ok'), 'fine');
  });
});
