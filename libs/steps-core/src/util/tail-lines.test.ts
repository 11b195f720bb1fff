import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter, MAX_LINE_CHARS, TailLines } from './tail-lines.js';

function split(chunks: string[]): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it('joins lines split across chunks and emits the unterminated last line', () => {
    assert.deepEqual(split(['a', 'b\nc', '\n', 'd']), ['ab', 'c', 'd']);
  });

  it('treats \\r\\n as one line end even when split across chunks', () => {
    assert.deepEqual(split(['one\r', '\ntwo\r\n']), ['one', 'two']);
  });

  it('keeps only the last redraw of a progress bar', () => {
    assert.deepEqual(split(['10%\r50%', '\r100%\n', 'done']), ['100%', 'done']);
  });

  it('bounds a line that never ends', () => {
    const lines = split(['x'.repeat(MAX_LINE_CHARS + 10)]);
    assert.equal(lines.length, 2);
    assert.ok((lines[0] ?? '').endsWith('[line truncated]'));
  });
});

describe('TailLines', () => {
  it('keeps the last N lines in order', () => {
    const tail = new TailLines(3);
    for (let i = 1; i <= 7; i++) tail.push(String(i));
    assert.deepEqual(tail.lines(), ['5', '6', '7']);
  });

  it('returns fewer lines when fewer were pushed', () => {
    const tail = new TailLines(3);
    tail.push('a');
    assert.deepEqual(tail.lines(), ['a']);
  });

  it('rejects a non-positive limit', () => {
    assert.throws(() => new TailLines(0), RangeError);
  });
});
