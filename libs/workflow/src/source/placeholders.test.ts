import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskExpressions, unmaskExpressions } from './placeholders.js';

describe('maskExpressions', () => {
  it('keeps length and line structure and round-trips', () => {
    const text = 'a: { x: ${{ p.x }}, y: [${{a}}${{ b }}] }\n# ${{ c }}\nz: 1\r\n';
    const masked = maskExpressions(text);
    assert.equal(masked.text.length, text.length);
    assert.deepEqual(masked.text.split('\n').map((l) => l.length), text.split('\n').map((l) => l.length));
    assert.doesNotMatch(masked.text, /[{}]{2}/);
    assert.deepEqual(masked.expressions, ['${{ p.x }}', '${{a}}', '${{ b }}', '${{ c }}']);
    assert.equal(unmaskExpressions(masked.text, masked.expressions), text);
  });

  it('numbers more than 256 expressions distinctly', () => {
    const text = Array.from({ length: 300 }, (_, i) => `k${i}: \${{ v${i} }}`).join('\n');
    const masked = maskExpressions(text);
    assert.equal(masked.expressions.length, 300);
    assert.equal(unmaskExpressions(masked.text, masked.expressions), text);
  });

  it('records an unclosed "${{" and masks it, keeping earlier expressions', () => {
    const masked = maskExpressions('a: ${{ ok }} ${{ broken\nb: 1');
    assert.deepEqual(masked.unterminated, [{ offset: 13, index: 1 }]);
    assert.deepEqual(masked.expressions, ['${{ ok }}', '${{']);
    assert.equal(unmaskExpressions(masked.text, masked.expressions), 'a: ${{ ok }} ${{ broken\nb: 1');
  });
});
