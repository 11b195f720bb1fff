import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MAX_LOG_BYTES, HeadTailLog, maxLogBytesFrom } from './head-tail-log.js';

/** Feeds `count` numbered lines of 10 bytes and returns the log as it would be on disk. */
function logOf(limitBytes: number, count: number): string {
  const log = new HeadTailLog(limitBytes);
  let written = '';
  for (let i = 0; i < count; i++) written += log.take(`line ${String(i).padStart(4, '0')}\n`);
  return written + log.rest();
}

describe('HeadTailLog', () => {
  it('writes everything through while it fits', () => {
    assert.equal(logOf(1024, 50), Array.from({ length: 50 }, (_, i) => `line ${String(i).padStart(4, '0')}\n`).join(''));
  });

  it('keeps the head and the tail, says where it cut and how much it dropped', () => {
    const lines = logOf(1024, 1000).split('\n');
    assert.equal(lines[0], 'line 0000');
    assert.equal(lines[50], 'line 0050');
    assert.match(lines[51]!, /^… this log reached its limit of 1024 bytes \(VERIFLOW_MAX_LOG_BYTES\): its last 512 bytes follow when the step ends …$/);
    assert.equal(lines[52], '… 898 line(s), 8980 bytes, dropped here to keep the log under 1024 bytes …');
    assert.equal(lines[53], 'line 0949');
    assert.equal(lines.at(-2), 'line 0999');
    assert.equal(lines.length, 1 + 51 + 2 + 51);
  });
});

describe('maxLogBytesFrom', () => {
  it('defaults to 10 MiB and reads a whole number of bytes', () => {
    assert.equal(maxLogBytesFrom({}), DEFAULT_MAX_LOG_BYTES);
    assert.equal(maxLogBytesFrom({ VERIFLOW_MAX_LOG_BYTES: '65536' }), 65_536);
  });

  it('rejects anything else, saying what to write', () => {
    for (const text of ['10MiB', '-5', '1.5', '100']) {
      assert.throws(() => maxLogBytesFrom({ VERIFLOW_MAX_LOG_BYTES: text }), { message: new RegExp(`^VERIFLOW_MAX_LOG_BYTES is "${text.replace('.', '\\.')}"; set it to a whole number of bytes, at least 1024`) });
    }
  });
});
