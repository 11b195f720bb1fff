import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SourceSpan } from '../diagnostics/diagnostic.js';
import { formatDiagnostic } from '../diagnostics/diagnostic.js';
import { parseWorkflowSource } from './index.js';

const at = (span: SourceSpan): string => `${span.start.line}:${span.start.col}`;
const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('parseWorkflowSource: expressions inside YAML', () => {
  it('keeps expressions in flow maps and leaves later positions intact', () => {
    const doc = parseWorkflowSource(yaml('with: { dim: ${{ params.dim }}, n: 5 }', 'next: 1'), 'wf.yaml');
    assert.deepEqual(doc.diagnostics, []);
    assert.deepEqual(doc.value, { with: { dim: '${{ params.dim }}', n: 5 }, next: 1 });
    assert.equal(at(doc.locate(['with', 'n'])), '1:36');
    assert.equal(at(doc.locate(['with', 'dim'])), '1:14');
    assert.equal(at(doc.locate(['next'])), '2:7');
  });

  it('keeps expressions in flow sequences', () => {
    const doc = parseWorkflowSource(yaml('xs: [${{ a }}, ${{ b }}, c]'), 'wf.yaml');
    assert.deepEqual(doc.value, { xs: ['${{ a }}', '${{ b }}', 'c'] });
    assert.equal(at(doc.locate(['xs', 1])), '1:16');
    assert.equal(at(doc.locate(['xs', 2])), '1:26');
  });

  it('keeps expressions embedded in plain, quoted and adjacent text', () => {
    const doc = parseWorkflowSource(
      yaml('a: x-${{ a }}-y', 'b: "say ${{ b }}"', "c: 'it''s ${{ format(''{0}'', c) }}'", 'd: ${{ a }}${{ b }}', '${{ k }}: key'),
      'wf.yaml',
    );
    assert.deepEqual(doc.diagnostics, []);
    assert.deepEqual(doc.value, {
      a: 'x-${{ a }}-y',
      b: 'say ${{ b }}',
      // Single-quote escaping applies inside the expression too, as plain YAML would.
      c: "it's ${{ format('{0}', c) }}",
      d: '${{ a }}${{ b }}',
      '${{ k }}': 'key',
    });
  });

  it('reads braces and commas inside an expression as part of it', () => {
    const doc = parseWorkflowSource(yaml("with: { t: ${{ format('{0},{1}', a, b) }}, u: 2 }"), 'wf.yaml');
    assert.deepEqual(doc.value, { with: { t: "${{ format('{0},{1}', a, b) }}", u: 2 } });
    assert.equal(at(doc.locate(['with', 'u'])), '1:47');
  });

  it('keeps expressions in block scalars and ignores them in comments', () => {
    const doc = parseWorkflowSource(yaml('run: |  # uses ${{ never', '  echo ${{ a }}', '  done', '# ${{ also not', 'x: 1'), 'wf.yaml');
    assert.deepEqual(doc.diagnostics, []);
    assert.deepEqual(doc.value, { run: 'echo ${{ a }}\ndone\n', x: 1 });
  });

  it('reports an unclosed expression at its "${{" and still reads the rest', () => {
    const doc = parseWorkflowSource(yaml('with: { a: ${{ x, b: 2 }', 'c: 3'), 'wf.yaml');
    assert.deepEqual(doc.diagnostics.map(formatDiagnostic), [
      'wf.yaml:1:12: expression "${{" is never closed. Add "}}" on the same line to end the expression. [EXPR_SYNTAX]',
    ]);
    assert.deepEqual(doc.value, { with: { a: '${{ x', b: 2 }, c: 3 });
  });
});

describe('parseWorkflowSource: YAML problems', () => {
  it('reports several syntax errors at once, where the unclosed bracket or quote opened', () => {
    const doc = parseWorkflowSource(yaml('a: [1, 2', 'b: 1', 'c: "open'), 'wf.yaml');
    assert.deepEqual(doc.diagnostics.map(formatDiagnostic), [
      'wf.yaml:1:4: "[" is never closed. Add the matching "]"; if the value continues on the next lines, indent them further than its key. [YAML_SYNTAX]',
      'wf.yaml:3:4: this quoted value is never closed. Add the matching closing quote at the end of the value. [YAML_SYNTAX]',
    ]);
  });

  it("passes on the yaml library's message with a hint", () => {
    const doc = parseWorkflowSource(yaml('a: b: c'), 'wf.yaml');
    assert.deepEqual(doc.diagnostics.map(formatDiagnostic), [
      'wf.yaml:1:4: nested mappings are not allowed in compact mappings. Quote the value if it contains ": ", or put the nested map on its own indented lines. [YAML_SYNTAX]',
    ]);
  });

  it('reports aliases without an anchor or that contain themselves', () => {
    const doc = parseWorkflowSource(yaml('x: *nope', 'a: &y [*y]', 'ok: &z {k: 1}', 'copy: *z'), 'wf.yaml');
    assert.deepEqual(doc.diagnostics.map(formatDiagnostic), [
      'wf.yaml:1:4: alias "*nope" has no anchor. Define "&nope" on a value before this line. [YAML_SYNTAX]',
      'wf.yaml:2:8: alias "*y" refers to a value that contains it. A value cannot include itself; copy the parts you need instead. [YAML_SYNTAX]',
    ]);
    assert.equal(doc.value, undefined);
    assert.deepEqual(parseWorkflowSource(yaml('ok: &z {k: 1}', 'copy: *z'), 'wf.yaml').value, { ok: { k: 1 }, copy: { k: 1 } });
  });

  it('reports a tab used for indentation', () => {
    const doc = parseWorkflowSource('a:\n\tb: 1\n', 'wf.yaml');
    assert.equal(doc.diagnostics[0]?.code, 'YAML_SYNTAX');
    assert.equal(at(doc.diagnostics[0]!.span), '2:1');
  });

  it('reports a duplicate key at its second occurrence', () => {
    const doc = parseWorkflowSource(yaml('steps:', '  train: {}', '  "train": {}'), 'wf.yaml');
    assert.deepEqual(doc.diagnostics.map(formatDiagnostic), [
      'wf.yaml:3:3: duplicate key "train". Each key may appear only once in a map; remove or rename one of them. [YAML_SYNTAX]',
    ]);
  });

  it('reports a second document', () => {
    const doc = parseWorkflowSource(yaml('a: 1', '---', 'b: 2'), 'wf.yaml');
    assert.equal(doc.diagnostics[0]?.hint, 'A workflow file holds exactly one document; remove the extra "---" or split the file.');
  });
});

describe('SourceDocument.locate', () => {
  const doc = parseWorkflowSource(
    yaml('name: demo', 'steps:', '  train:', '    with:', '      lr: 0.1', '    needs: [a, b]', '    uses:', '  "a.b/c":', '    - 7'),
    'wf.yaml',
  );

  it('finds values and keys', () => {
    assert.equal(at(doc.locate(['steps', 'train', 'with', 'lr'])), '5:11');
    assert.equal(at(doc.locate(['steps', 'train', 'with', 'lr'], 'key')), '5:7');
    assert.equal(at(doc.locate(['steps', 'train', 'needs', 1])), '6:16');
    assert.equal(at(doc.locate(['steps', 'a.b/c', 0])), '9:7');
    const span = doc.locate(['name']);
    assert.deepEqual([span.start.offset, span.end.offset, span.file], [6, 10, 'wf.yaml']);
  });

  it('points a missing key at the key naming its parent map', () => {
    assert.equal(at(doc.locate(['steps', 'train', 'timeout'])), '3:3');
    assert.equal(at(doc.locate(['steps', 'train', 'needs', 5])), '6:5');
    assert.equal(at(doc.locate(['seed'])), '1:1');
  });

  it('points an empty value at its key', () => {
    assert.equal(at(doc.locate(['steps', 'train', 'uses'])), '7:5');
  });

  it('handles an empty document', () => {
    const empty = parseWorkflowSource('', 'empty.yaml');
    assert.equal(empty.value, null);
    assert.equal(at(empty.locate(['steps'])), '1:1');
  });
});

describe('SourceDocument.locateInString', () => {
  const text = yaml('a: x ${{ p }}', 'b: "q ${{ p }}"', 'c: |', '  one', '  two ${{ p }}', 'd: "esc\\t ${{ p }}"', 'e: >', '  fold', '  ${{ p }}');
  const doc = parseWorkflowSource(text, 'wf.yaml');
  const pos = (path: string, offset: number): string => {
    const p = doc.locateInString([path], offset);
    return `${p.line}:${p.col}`;
  };

  it('maps offsets exactly in plain, quoted and block scalars', () => {
    assert.equal(pos('a', 2), '1:6');
    assert.equal(pos('b', 2), '2:7');
    assert.equal(pos('c', 8), '5:7');
    assert.equal(pos('d', 5), '6:11');
    assert.equal(pos('e', 5), '9:3');
  });

  it('maps offsets inside keys', () => {
    const keyed = parseWorkflowSource(yaml('steps:', '  x-${{ a }}: 1'), 'wf.yaml');
    const p = keyed.locateInString(['steps', 'x-${{ a }}'], 2, 'key');
    assert.equal(`${p.line}:${p.col}`, '2:5');
  });

  it('falls back to the start of the value for paths that do not exist', () => {
    const p = doc.locateInString(['zzz'], 3);
    assert.equal(`${p.line}:${p.col}`, '1:1');
  });
});
