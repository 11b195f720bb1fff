import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { acquireLock, readLockOwner, sweepStaleLocks, withLock } from './file-lock.js';
import type { LockEvent } from './file-lock.js';
import { isProcessAlive, processStartOf } from './process-identity.js';

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

/** A separate process holding the lock at `lockPath`, once it has said so. */
async function startHolder(dir: string, lockPath: string): Promise<{ pid: number; kill: () => Promise<void> }> {
  const script = join(dir, 'holder.mjs');
  await writeFile(script, holderScript);
  const child = spawn(process.execPath, [script, lockPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  return killable(child);
}

function killable(child: ChildProcess): { pid: number; kill: () => Promise<void> } {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    pid: child.pid!,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

test('a lock whose owner was SIGKILLed is recovered', async () => {
  const dir = await tempDir();
  const lockPath = join(dir, 'held.lock');
  const holder = await startHolder(dir, lockPath);

  assert.equal((await readLockOwner(lockPath))?.pid, holder.pid);
  assert.equal(await acquireLock(lockPath, { wait: false }), undefined, 'held by a live process');

  await holder.kill();
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


test('release is idempotent, withLock releases on error, waiting honours abort', async () => {
  const dir = await tempDir();
  const lockPath = join(dir, 'a.lock');
  const release = await acquireLock(lockPath, { wait: false });
  assert.ok(release);
  assert.equal(await acquireLock(lockPath, { wait: false }), undefined, 'held by this process counts as held');
  assert.ok((await readLockOwner(lockPath))?.token, 'the lock names its acquisition');

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

/** A live process that is certainly not a lock holder: what a recycled pid looks like. */
async function liveStranger(): Promise<{ pid: number; kill: () => Promise<void> }> {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  return killable(child);
}

test('a lock from an older version (no start time) written before the last boot is stale even if its pid is in use again', async () => {
  const dir = await tempDir();
  const lockPath = join(dir, 'old.lock');
  const stranger = await liveStranger();
  try {
    await writeFile(lockPath, JSON.stringify({ pid: stranger.pid, host: hostname(), createdAt: new Date().toISOString() }));
    assert.equal(await acquireLock(lockPath, { wait: false }), undefined, 'without a start time, a live pid since the boot is trusted');
    await writeFile(lockPath, JSON.stringify({ pid: stranger.pid, host: hostname(), createdAt: '2000-01-01T00:00:00.000Z' }));
    const release = await acquireLock(lockPath, { wait: false });
    assert.ok(release);
    await release();
  } finally {
    await stranger.kill();
  }
});

const lockOf = (fields: Record<string, unknown>): string => JSON.stringify({ host: hostname(), createdAt: new Date().toISOString(), token: 'f00d', ...fields });

test('a lock naming a live pid whose process started at another time (a recycled pid) is stale', { skip: process.platform !== 'linux' && 'needs /proc' }, async () => {
  const dir = await tempDir();
  const lockPath = join(dir, 'reused.lock');
  const stranger = await liveStranger();
  try {
    const start = processStartOf(stranger.pid);
    assert.ok(start, 'the start time of a live process is known');
    await writeFile(lockPath, lockOf({ pid: stranger.pid, start }));
    assert.equal(await acquireLock(lockPath, { wait: false }), undefined, 'same pid, same start time: its holder is alive');

    await writeFile(lockPath, lockOf({ pid: stranger.pid, start: `${start}0` }));
    const events: LockEvent[] = [];
    const release = await acquireLock(lockPath, { wait: false, onEvent: (event) => events.push(event) });
    assert.ok(release, 'the pid is alive but belongs to another process now');
    assert.deepEqual(events.map((event) => event.kind), ['took-over']);
    assert.match(events[0]!.kind === 'took-over' ? events[0]!.why : '', new RegExp(`pid ${stranger.pid} is now another process`));
    await release();
  } finally {
    await stranger.kill();
  }
});

test('a lock naming this very process that it did not take (left by an earlier process with the same pid) is stale', async () => {
  const dir = await tempDir();
  const lockPath = join(dir, 'mine.lock');
  await writeFile(lockPath, lockOf({ pid: process.pid, start: processStartOf(process.pid) }));
  const release = await acquireLock(lockPath, { wait: false });
  assert.ok(release, 'a run must not wait for itself');
  assert.notEqual((await readLockOwner(lockPath))?.token, 'f00d');
  await release();
});

test('a lock from another host is waited for while its heartbeat is fresh, with a message naming the holder, and taken over once it is older than lockTimeoutMs', async () => {
  const dir = await tempDir();
  const lockPath = join(dir, 'foreign.lock');
  await writeFile(lockPath, lockOf({ pid: 4242, host: 'node-17.cluster', label: 'run 20260101-000000-abcdef' }));
  assert.equal(await acquireLock(lockPath, { wait: false }), undefined, 'a fresh foreign lock is live under the default timeout');

  const events: LockEvent[] = [];
  const release = await acquireLock(lockPath, { wait: true, pollMs: 10, lockTimeoutMs: 400, onEvent: (event) => events.push(event), signal: AbortSignal.timeout(10_000) });
  assert.ok(release);
  const [waiting, ...rest] = events;
  assert.ok(waiting?.kind === 'waiting', JSON.stringify(events));
  assert.equal(waiting.holder?.pid, 4242);
  assert.equal(waiting.holder?.host, 'node-17.cluster');
  assert.equal(waiting.holder?.label, 'run 20260101-000000-abcdef');
  assert.ok(waiting.takeoverInMs !== undefined && waiting.takeoverInMs <= 400);
  const tookOver = rest.at(-1);
  assert.ok(tookOver?.kind === 'took-over');
  assert.match(tookOver.why, /no heartbeat from host node-17\.cluster for/);
  await release();
});

test('a lock from another host whose heartbeat stopped long ago is taken over at once', async () => {
  const dir = await tempDir();
  const lockPath = join(dir, 'old-foreign.lock');
  await writeFile(lockPath, lockOf({ pid: 4242, host: 'container-before-the-restart' }));
  const past = new Date(Date.now() - 3_600_000);
  await utimes(lockPath, past, past);
  const events: LockEvent[] = [];
  const release = await acquireLock(lockPath, { wait: false, onEvent: (event) => events.push(event) });
  assert.ok(release);
  assert.deepEqual(events.map((event) => event.kind), ['took-over']);
  await release();
});

test('the holder refreshes its heartbeat (the lock file’s mtime) while it holds the lock', async () => {
  const dir = await tempDir();
  const lockPath = join(dir, 'beating.lock');
  const release = await acquireLock(lockPath, { wait: false, heartbeatMs: 20 });
  assert.ok(release);
  const past = new Date(Date.now() - 3_600_000);
  await utimes(lockPath, past, past);
  const text = await readFile(lockPath, 'utf8');
  await delay(200);
  assert.ok((await stat(lockPath)).mtimeMs > past.getTime() + 60_000, 'the heartbeat moved the mtime forward');
  assert.equal(await readFile(lockPath, 'utf8'), text, 'a heartbeat leaves the content alone');
  await release();
});

test('a waiter says which holder it waits for, at once and then periodically', async () => {
  const dir = await tempDir();
  const lockPath = join(dir, 'busy.lock');
  const holder = await startHolder(dir, lockPath);
  try {
    const events: LockEvent[] = [];
    const waiting = acquireLock(lockPath, { wait: true, pollMs: 5, noticeEveryMs: 60, onEvent: (event) => events.push(event), signal: AbortSignal.timeout(400) });
    await assert.rejects(waiting, (error: unknown) => error instanceof Error && error.name === 'TimeoutError');
    assert.ok(events.length >= 2 && events.length <= 8, `${events.length} notices`);
    for (const event of events) {
      assert.ok(event.kind === 'waiting');
      assert.equal(event.holder?.pid, holder.pid);
      assert.equal(event.takeoverInMs, undefined, 'a live holder on this host is never taken over');
    }
    assert.equal(events[0]!.kind === 'waiting' && events[0]!.waitedMs, 0);
  } finally {
    await holder.kill();
  }
});

test('sweepStaleLocks removes stale locks and leftover .stale files and keeps live locks', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'dead.lock'), lockOf({ pid: deadPid() }));
  await writeFile(join(dir, `dead.lock.stale.${deadPid()}.0123456789ab`), lockOf({ pid: deadPid() }));
  const release = await acquireLock(join(dir, 'live.lock'), { wait: false });
  assert.ok(release);
  await writeFile(join(dir, 'unrelated.txt'), 'not a lock');
  await sweepStaleLocks(dir, {});
  assert.deepEqual((await readdir(dir)).sort(), ['live.lock', 'unrelated.txt']);
  await release();
});
