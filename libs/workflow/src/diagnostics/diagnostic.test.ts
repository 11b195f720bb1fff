import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnostic } from './diagnostic.js';
import { WorkflowError, formatDiagnostic, formatDiagnosticPretty, sortDiagnostics } from './diagnostic.js';

const at = (line: number, col: number, endCol = col + 1, endLine = line, file = 'wf.yaml'): Diagnostic['span'] => ({
  file,
  start: { line, col, offset: (line - 1) * 100 + col - 1 },
  end: { line: endLine, col: endCol, offset: (endLine - 1) * 100 + endCol - 1 },
});
const diag = (message: string, hint?: string, span = at(3, 5)): Diagnostic => ({ code: 'SCHEMA', span, message, ...(hint !== undefined ? { hint } : {}) });

describe('formatDiagnostic', () => {
  it('is file:line:col, the message as a sentence, then the code', () => {
    assert.equal(formatDiagnostic(diag('unknown key "foo"')), 'wf.yaml:3:5: unknown key "foo". [SCHEMA]');
  });

  it('adds no full stop after ?, ! or . (nor after one closed by a parenthesis)', () => {
    assert.equal(formatDiagnostic(diag('is this right?')), 'wf.yaml:3:5: is this right? [SCHEMA]');
    assert.equal(formatDiagnostic(diag('stop!')), 'wf.yaml:3:5: stop! [SCHEMA]');
    assert.equal(formatDiagnostic(diag('done.')), 'wf.yaml:3:5: done. [SCHEMA]');
    assert.equal(formatDiagnostic(diag('a note (see above.)')), 'wf.yaml:3:5: a note (see above.) [SCHEMA]');
    assert.equal(formatDiagnostic(diag('a note (see above)')), 'wf.yaml:3:5: a note (see above). [SCHEMA]');
  });

  it('trims trailing space before ending the sentence', () => {
    assert.equal(formatDiagnostic(diag('spaced  ')), 'wf.yaml:3:5: spaced. [SCHEMA]');
  });

  it('capitalises the hint and makes it a sentence too', () => {
    assert.equal(formatDiagnostic(diag('bad value', 'expected one of a, b')), 'wf.yaml:3:5: bad value. Expected one of a, b. [SCHEMA]');
    assert.equal(formatDiagnostic(diag('bad value', 'did you mean "b"?')), 'wf.yaml:3:5: bad value. Did you mean "b"? [SCHEMA]');
    assert.equal(formatDiagnostic(diag('bad value', 'Already fine.')), 'wf.yaml:3:5: bad value. Already fine. [SCHEMA]');
  });

  it('an empty hint adds nothing', () => {
    assert.equal(formatDiagnostic(diag('bad', '')), 'wf.yaml:3:5: bad. [SCHEMA]');
  });
});

describe('formatDiagnosticPretty', () => {
  const source = ['name: t', 'steps:', '  a: { uses: toy/trian }', ''].join('\n');

  it('shows the line and a caret as wide as the span', () => {
    const d = diag('unknown step kind', undefined, at(3, 14, 23));
    assert.equal(formatDiagnosticPretty(d, source), ['wf.yaml:3:14: unknown step kind. [SCHEMA]', '   3 |   a: { uses: toy/trian }', '     |              ^^^^^^^^^'].join('\n'));
  });

  it('a zero-width span still gets one caret', () => {
    const lines = formatDiagnosticPretty(diag('here', undefined, at(1, 3, 3)), source).split('\n');
    assert.equal(lines[2], '     |   ^');
  });

  it('a span over several lines underlines to the end of its first line', () => {
    const lines = formatDiagnosticPretty(diag('block', undefined, at(3, 6, 2, 4)), source).split('\n');
    assert.equal(lines[1], '   3 |   a: { uses: toy/trian }');
    assert.equal(lines[2], `     | ${' '.repeat(5)}${'^'.repeat('{ uses: toy/trian }'.length)}`);
  });

  it('handles CRLF sources', () => {
    const lines = formatDiagnosticPretty(diag('x', undefined, at(2, 1, 6)), source.replace(/\n/g, '\r\n')).split('\n');
    assert.equal(lines[1], '   2 | steps:');
    assert.equal(lines[2], '     | ^^^^^');
  });

  it('shows a window of a long line around the span, marked where it was cut', () => {
    const long = `v: ${'['.repeat(1000)}1${']'.repeat(1000)}`;
    const lines = formatDiagnosticPretty(diag('deep', undefined, at(1, 500, 501)), long).split('\n');
    assert.equal(lines[1], `   1 | …${'['.repeat(120)}…`);
    assert.equal(lines[2], `     | ${' '.repeat(31)}^`);
    const end = formatDiagnosticPretty(diag('end', undefined, at(1, long.length, long.length + 1)), long).split('\n');
    assert.equal(end[1], `   1 | …${']'.repeat(120)}`);
    assert.equal(end[2], `     | ${' '.repeat(120)}^`);
  });

  it('falls back to the one-line form without source or when the line does not exist', () => {
    const d = diag('x', undefined, at(40, 1));
    assert.equal(formatDiagnosticPretty(d, undefined), formatDiagnostic(d));
    assert.equal(formatDiagnosticPretty(d, source), formatDiagnostic(d));
  });
});

describe('sortDiagnostics and WorkflowError', () => {
  it('sorts by file, then position, then code', () => {
    const b = { ...diag('b', undefined, at(2, 1)), code: 'CYCLE' as const };
    const a = { ...diag('a', undefined, at(2, 1)) };
    const first = diag('first', undefined, at(1, 9));
    const other = diag('other file', undefined, at(1, 1, 2, 1, 'a.yaml'));
    assert.deepEqual(
      sortDiagnostics([a, b, first, other]).map((d) => d.message),
      ['other file', 'first', 'b', 'a'],
    );
  });

  it('WorkflowError carries the sorted diagnostics and one line per problem', () => {
    const error = new WorkflowError([diag('second', undefined, at(5, 1)), diag('first', 'fix it', at(2, 2))]);
    assert.equal(error.name, 'WorkflowError');
    assert.deepEqual(
      error.diagnostics.map((d) => d.message),
      ['first', 'second'],
    );
    assert.equal(error.message, 'wf.yaml:2:2: first. Fix it. [SCHEMA]\nwf.yaml:5:1: second. [SCHEMA]');
  });
});
