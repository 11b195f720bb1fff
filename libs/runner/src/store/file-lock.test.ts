import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { acquireLock, isProcessAlive, readLockOwner, withLock } from './file-lock.js';

const storeIndex = fileURLToPath(new URL('./index.js', import.meta.url));
const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'veriflow-lock-'));
  dirs.push(dir);
  return dir;
}

function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  assert.ok(pid && !isProcessAlive(pid));
  return pid;
}

function runNode(script: string, args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout })));
}

// Read-modify-write without atomicity: only the lock keeps increments from being lost.
const counterScript = `
import { readFile, writeFile } from 'node:fs/promises';
import { withLock } from ${JSON.stringify(storeIndex)};
const [lockPath, counterPath] = process.argv.slice(2);
for (let i = 0; i < 200; i++) {
  await withLock(lockPath, async () => {
    const n = Number(await readFile(counterPath, 'utf8'));
    await new Promise((resolve) => setImmediate(resolve));
    await writeFile(counterPath, String(n + 1));
  }, { pollMs: 2 });
}
`;

test('two processes incrementing under the lock lose no update, starting from a stale lock', async () => {
  const dir = await tempDir();
  const script = join(dir, 'counter.mjs');
  const lockPath = join(dir, 'locks', 'counter.lock');
  const counterPath = join(dir, 'counter.txt');
  await writeFile(script, counterScript);
  await writeFile(counterPath, '0');
  await mkdir(join(dir, 'locks'));
  // Left by a process that died holding it: both children race to recover it.
  await writeFile(lockPath, JSON.stringify({ pid: deadPid(), host: hostname(), createdAt: new Date().toISOString() }));

  const results = await Promise.all([runNode(script, [lockPath, counterPath]), runNode(script, [lockPath, counterPath])]);
  assert.deepEqual(results.map((r) => r.code), [0, 0]);
  assert.equal(await readFile(counterPath, 'utf8'), '400');
  assert.deepEqual(await readdir(join(dir, 'locks')), [], 'no lock or stale leftovers');
});

const holderScript = `
import { acquireLock } from ${JSON.stringify(storeIndex)};
await acquireLock(process.argv[2], { wait: false });
process.stdout.write('locked\\n');
setInterval(() => {}, 1000);
`;

test('a lock whose owner was SIGKILLed is recovered', async () => {
  const dir = await tempDir();
  const script = join(dir, 'holder.mjs');
  const lockPath = join(dir, 'held.lock');
  await writeFile(script, holderScript);
  const child = spawn(process.execPath, [script, lockPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => child.stdout.once('data', resolve));

  assert.equal((await readLockOwner(lockPath))?.pid, child.pid);
  assert.equal(await acquireLock(lockPath, { wait: false }), undefined, 'held by a live process');

  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  const release = await acquireLock(lockPath, { wait: false });
  assert.ok(release, 'the dead owner’s lock was taken over');
  assert.equal((await readLockOwner(lockPath))?.pid, process.pid);
  await release();
});

test('an empty lock file is stale only once it is old', async () => {
  const dir = await tempDir();
  const lockPath = join(dir, 'empty.lock');
  await writeFile(lockPath, '');
  assert.equal(await acquireLock(lockPath, { wait: false }), undefined, 'its writer may still be about to fill it in');
  const past = new Date(Date.now() - 60_000);
  await utimes(lockPath, past, past);
  const release = await acquireLock(lockPath, { wait: false });
  assert.ok(release);
  await release();
});

test('a lock written before the last boot is stale even if its pid is in use again', async () => {
  const dir = await tempDir();
  const lockPath = join(dir, 'old.lock');
  await writeFile(lockPath, JSON.stringify({ pid: process.pid, host: hostname(), createdAt: '2000-01-01T00:00:00.000Z' }));
  const release = await acquireLock(lockPath, { wait: false });
  assert.ok(release);
  await release();
});

test('release is idempotent, withLock releases on error, waiting honours abort', async () => {
  const dir = await tempDir();
  const lockPath = join(dir, 'a.lock');
  const release = await acquireLock(lockPath, { wait: false });
  assert.ok(release);
  assert.equal(await acquireLock(lockPath, { wait: false }), undefined, 'held by this process counts as held');

  const waiting = acquireLock(lockPath, { wait: true, pollMs: 5, signal: AbortSignal.timeout(50) });
  await assert.rejects(waiting, (error: unknown) => error instanceof Error && error.name === 'TimeoutError');

  await release();
  const second = await acquireLock(lockPath, { wait: false });
  assert.ok(second);
  await release(); // a late second call must not delete the new holder's lock
  assert.equal(await acquireLock(lockPath, { wait: false }), undefined);
  await second();

  await assert.rejects(withLock(lockPath, () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(await withLock(lockPath, () => 42), 42);
  assert.deepEqual(await readdir(dir), []);
});
