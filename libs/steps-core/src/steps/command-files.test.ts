import assert from 'node:assert/strict';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HASHED_FILE_LIMIT_BYTES, commandCodeFacts, commandScript } from './command-files.js';

describe('commandScript', () => {
  let dir: string;
  let script: string;
  let log: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'command-script-'));
    script = join(dir, 'train.py');
    log = join(dir, 'log.txt');
    await writeFile(script, 'print(1)\n');
    await writeFile(log, '');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("is an interpreter's first file argument, past its options, and not the files after it", () => {
    assert.equal(commandScript(['python', '-u', '-W', 'ignore', script, '--log', log]), script);
    assert.equal(commandScript(['/opt/venv/bin/python3.11', script]), script);
    assert.equal(commandScript(['sh', log, script]), log);
  });

  it('is the program itself when that is a file and no interpreter', () => {
    assert.equal(commandScript([script, '--out', log]), script);
    assert.equal(commandScript(['train', script]), undefined, 'a program on PATH names no script of ours');
  });

  it('is none for inline code, relative paths and missing files', () => {
    assert.equal(commandScript(['sh', '-c', 'echo "$1" >> "$2"', 'sh', '1', log]), undefined);
    assert.equal(commandScript(['python', '-m', 'pkg.train', script]), undefined);
    assert.equal(commandScript(['python', 'train.py']), undefined);
    assert.equal(commandScript(['python', join(dir, 'absent.py')]), undefined);
  });
});

describe('commandCodeFacts', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'command-files-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('digests the script and each dep', async () => {
    const script = join(dir, 'train.py');
    const model = join(dir, 'model.py');
    await writeFile(script, 'print(1)\n');
    await writeFile(model, 'print(1)\n');
    // sha256("print(1)\n"), first 16 hex digits.
    assert.deepEqual(commandCodeFacts(['python', script, '--lr', 0.1], [model, join(dir, 'gone.py')]), {
      [script]: 'sha256:cc42155088fca573',
      [model]: 'sha256:cc42155088fca573',
      [join(dir, 'gone.py')]: 'absent',
    });
  });

  it('changes when the content changes', async () => {
    const script = join(dir, 'edit.sh');
    await writeFile(script, 'echo a\n');
    const first = commandCodeFacts(['sh', script], [])[script];
    await writeFile(script, 'echo b\n');
    assert.notEqual(commandCodeFacts(['sh', script], [])[script], first);
  });

  it('fingerprints a file above the limit by size and mtime instead of reading it', async () => {
    const data = join(dir, 'big.bin');
    await writeFile(data, '');
    await truncate(data, HASHED_FILE_LIMIT_BYTES + 1);
    assert.match(commandCodeFacts([], [data])[data]!, new RegExp(`^size ${HASHED_FILE_LIMIT_BYTES + 1}, modified \\d{4}-`));
  });
});
