import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { mountScratch } from '@veriflow/durable-fs/testing';
import type { CliResult } from '../support/cli.js';
import { readResults, runCli, statusesOf } from '../support/cli.js';

/** `first` → `<middle>` → `after`, each a command writing one output; `middle` is the step under test. */
const workflow = (name: string, middle: string, run: string): string => `
name: ${name}
steps:
  first:
    uses: command
    with:
      run: [node, -e, "require('fs').writeFileSync('o.txt', 'first')"]
      outputs: { o: o.txt }
  ${middle}:
    uses: command
    needs: [first]
    with:
      run: ${run}
      outputs: { o: o.txt }
  after:
    uses: command
    needs: [${middle}]
    with:
      run: [node, -e, "require('fs').writeFileSync('o.txt', 'after')"]
      outputs: { o: o.txt }
`;

// \`fill\` writes its output, then (while the switch file exists) fills the disk and prints 256 KiB, so the
// runner's own writes after it (the instance log, the record, the marker) meet a full disk.
const FILL = `
        - node
        - -e
        - |
          const fs = require('fs');
          fs.writeFileSync('o.txt', 'fill');
          if (fs.existsSync(process.argv[1] + '/fill-now')) {
            try { fs.writeFileSync(process.argv[1] + '/filler', Buffer.alloc(64 << 20)); } catch {}
            for (let i = 0; i < 256; i++) console.log('x'.repeat(1023));
          }
        - \${{ workflow.dir }}`;
const WORKFLOW = workflow('disk', 'fill', FILL);

// \`freeze\` bind-mounts .veriflow read-only over itself once its output is written (the tests run as root;
// a plain remount would be refused while the run holds files open): every write after it fails, the
// record, the lock file and results.json included.
const FREEZING = workflow('freezing', 'freeze', `[sh, -c, 'echo frozen > o.txt && mount --bind "$0" "$0" && mount -o remount,ro,bind "$0"', "\${{ workflow.dir }}/.veriflow"]`);

const scratch = mountScratch(4 << 20);
const skip = 'skip' in scratch ? scratch.skip : false;

/** No stack trace reached the user: every failure was a sentence. */
function assertNoStack(run: CliResult): void {
  assert.doesNotMatch(`${run.stdout}\n${run.stderr}`, /^\s+at .+:\d+:\d+\)?$/m, `a stack trace was printed:\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /unexpected error|Unhandled|ENOENT/);
}

describe('a full disk or a read-only workspace', { skip }, () => {
  const mount = scratch as Exclude<typeof scratch, { skip: string }>;
  const dir = mount.dir;
  after(() => mount.dispose?.());

  it('a full disk fails the instance with a sentence naming the path, exit 1; after freeing space the run resumes', async () => {
    await writeFile(join(dir, 'wf.yaml'), WORKFLOW);
    await writeFile(join(dir, 'fill-now'), '');
    const full = await runCli(['run', 'wf.yaml'], dir);
    assert.equal(full.code, 1, full.stderr);
    assertNoStack(full);
    assert.match(full.stdout, new RegExp(`✗ fill: no space left on the device holding ${dir}/\\.veriflow/\\S+; free some space`));
    // Which instances finished is on record: in results.json, or on stderr where even that could not be written.
    if (existsSync(join(dir, '.veriflow', 'workflows', 'disk', 'results.json'))) {
      assert.deepEqual(statusesOf(await readResults(dir, 'disk')), { first: 'succeeded', fill: 'failed', after: 'skipped' });
    } else {
      assert.match(full.stderr, /could not write the results file: no space left on the device holding .*\n {2}finished \(1\): first; not finished: fill, after/);
    }

    await rm(join(dir, 'filler'));
    await rm(join(dir, 'fill-now'));
    const resumed = await runCli(['run', 'wf.yaml'], dir);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(statusesOf(await readResults(dir, 'disk')), { first: 'cached', fill: 'succeeded', after: 'succeeded' });
  });

  it('a read-only workspace is named as such (not ENOENT), exit 1, and the store is intact afterwards', async () => {
    mount.setReadOnly(true);
    let forced: CliResult;
    try {
      forced = await runCli(['run', 'wf.yaml', '--force'], dir);
    } finally {
      mount.setReadOnly(false);
    }
    assert.equal(forced.code, 1, forced.stderr);
    assertNoStack(forced);
    assert.match(forced.stderr, new RegExp(`^veriflow: ${dir}/\\.veriflow/\\S+ is on a read-only file system; remount it read-write or pass --workspace on a writable disk$`, 'm'));

    const again = await runCli(['run', 'wf.yaml'], dir);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(statusesOf(await readResults(dir, 'disk')), { first: 'cached', fill: 'cached', after: 'cached' });
    assert.equal(await readFile(join(dir, 'wf.yaml'), 'utf8'), WORKFLOW);
  });

  it('a workspace that turns read-only mid-run: no results file can be written, so stderr says which instances finished', async () => {
    await writeFile(join(dir, 'freezing.yaml'), FREEZING);
    const thaw = (): void => void execFileSync('umount', [join(dir, '.veriflow')]);
    let frozen: CliResult;
    try {
      frozen = await runCli(['run', 'freezing.yaml'], dir);
    } finally {
      thaw();
    }
    assert.equal(frozen.code, 1, frozen.stderr);
    assertNoStack(frozen);
    const readOnly = (path: string): string => `${dir}/\\.veriflow/${path} is on a read-only file system; remount it read-write or pass --workspace on a writable disk`;
    assert.match(frozen.stdout, new RegExp(`✗ freeze: ${readOnly('\\S+')}`));
    assert.match(frozen.stderr, new RegExp(`^veriflow: could not update the lock file: ${readOnly('\\S+')}$`, 'm'));
    assert.match(frozen.stderr, new RegExp(`^veriflow: could not write the results file: ${readOnly('workflows/freezing\\S*')}\n {2}finished \\(1\\): first; not finished: freeze, after$`, 'm'));
    assert.match(frozen.stdout, /^failed: no results file, logs in /m);
    assert.equal(existsSync(join(dir, '.veriflow', 'workflows', 'freezing', 'results.json')), false);

    const resumed = await runCli(['run', 'freezing.yaml'], dir);
    thaw();
    assert.equal(resumed.code, 1, 'freeze freezes the workspace again');
    assert.match(resumed.stderr, /≡ first cached/);
  });
});
