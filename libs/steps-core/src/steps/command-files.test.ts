import assert from 'node:assert/strict';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HASHED_FILE_LIMIT_BYTES, commandFileFacts } from './command-files.js';

describe('commandFileFacts', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'command-files-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('digests each existing file named by absolute path, and only those', async () => {
    const script = join(dir, 'train.py');
    await writeFile(script, 'print(1)\n');
    const facts = commandFileFacts(['python', script, '--lr', 0.1, 'train.py', join(dir, 'absent.py'), dir, script]);
    // sha256("print(1)\n"), first 16 hex digits.
    assert.deepEqual(facts, { [script]: 'sha256:cc42155088fca573' });
  });

  it('changes when the content changes', async () => {
    const script = join(dir, 'edit.sh');
    await writeFile(script, 'echo a\n');
    const first = commandFileFacts([script])[script];
    await writeFile(script, 'echo b\n');
    assert.notEqual(commandFileFacts([script])[script], first);
  });

  it('fingerprints a file above the limit by size and mtime instead of reading it', async () => {
    const data = join(dir, 'big.bin');
    await writeFile(data, '');
    await truncate(data, HASHED_FILE_LIMIT_BYTES + 1);
    assert.match(commandFileFacts([data])[data]!, new RegExp(`^size ${HASHED_FILE_LIMIT_BYTES + 1}, modified \\d{4}-`));
  });
});
