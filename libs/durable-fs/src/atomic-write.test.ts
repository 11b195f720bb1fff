import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { cleanupTempFiles, writeFileAtomic, writeJsonAtomic } from './atomic-write.js';
import { isTempFileName } from './temp-names.js';

const storeIndex = fileURLToPath(new URL('./index.js', import.meta.url));
const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'veriflow-atomic-'));
  dirs.push(dir);
  return dir;
}

test('writeFileAtomic replaces content and creates the parent directory', async () => {
  const dir = await tempDir();
  const target = join(dir, 'nested', 'state.json');
  await writeJsonAtomic(target, { b: 1, a: [1] });
  assert.equal(await readFile(target, 'utf8'), '{\n  "b": 1,\n  "a": [\n    1\n  ]\n}\n');
  await writeFileAtomic(target, new Uint8Array([104, 105]));
  assert.equal(await readFile(target, 'utf8'), 'hi');
  assert.deepEqual(await readdir(join(dir, 'nested')), ['state.json']);
  await assert.rejects(writeJsonAtomic(target, undefined), /has no JSON form/);
});

// Each version is "<n>\n" + filler + "\nEND <n>\n", so a prefix of any version is detectable.
const writerScript = `
import { writeFileAtomic } from ${JSON.stringify(storeIndex)};
const [target, start] = process.argv.slice(2);
const filler = 'x'.repeat(4 << 20);
for (let n = Number(start); ; n++) {
  await writeFileAtomic(target, n + '\\n' + filler + '\\nEND ' + n + '\\n');
  if (n === Number(start)) process.stdout.write('wrote\\n');
}
`;

test('a writer SIGKILLed at random moments never leaves a partial target', async () => {
  const dir = await tempDir();
  const script = join(dir, 'writer.mjs');
  await writeFile(script, writerScript);
  const target = join(dir, 'big.txt');
  let lastSeen = -1;
  for (let round = 0; round < 8; round++) {
    const child = spawn(process.execPath, [script, target, String(round * 1_000_000)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Odd rounds are killed right after start (possibly before any rename), even ones mid-stream.
    if (round % 2 === 0) await new Promise((resolve) => child.stdout.once('data', resolve));
    await sleep(Math.random() * 40);
    child.kill('SIGKILL');
    await exited;

    let text: string | undefined;
    try {
      text = await readFile(target, 'utf8');
    } catch {
      assert.equal(lastSeen, -1, 'a target that existed must never disappear');
      continue;
    }
    const n = Number(text.slice(0, text.indexOf('\n')));
    assert.ok(text.endsWith(`\nEND ${n}\n`), `round ${round}: target is a partial write (${text.length} bytes)`);
    assert.equal(text.length, `${n}\n`.length + (4 << 20) + `\nEND ${n}\n`.length);
    assert.ok(n >= lastSeen, 'versions only move forward');
    lastSeen = n;
  }
  assert.ok(lastSeen >= 0, 'at least one complete version was written');

  // Leftover temp files from the kills are removed by cleanup; the target is kept.
  const leftovers = (await readdir(dir)).filter(isTempFileName);
  const removed = await cleanupTempFiles(dir, 0);
  assert.equal(removed.length, leftovers.length);
  assert.deepEqual((await readdir(dir)).sort(), ['big.txt', 'writer.mjs']);
});

test('cleanupTempFiles keeps recent temp files and unrelated files', async () => {
  const dir = await tempDir();
  const old = join(dir, '.a.json.123.abcdef.tmp');
  const fresh = join(dir, '.b.json.123.abcdef.tmp');
  await writeFile(old, 'x');
  await writeFile(fresh, 'x');
  await writeFile(join(dir, 'keep.tmp'), 'x');
  const past = new Date(Date.now() - 60_000);
  await utimes(old, past, past);
  assert.deepEqual(await cleanupTempFiles(dir, 10_000), [old]);
  assert.deepEqual((await readdir(dir)).sort(), ['.b.json.123.abcdef.tmp', 'keep.tmp']);
  assert.deepEqual(await cleanupTempFiles(join(dir, 'missing'), 0), []);
});
