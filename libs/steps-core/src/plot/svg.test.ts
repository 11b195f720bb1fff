import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SvgBuilder, escapeXml, pathData } from './svg.js';
import { parseXml, unescapeXml } from './xml-check.js';

it('escapes the five XML special characters', () => {
  assert.equal(escapeXml(`a<b & c>"d" 'e'`), 'a&lt;b &amp; c&gt;&quot;d&quot; &#39;e&#39;');
  assert.equal(unescapeXml(escapeXml(`<&>"'`)), `<&>"'`);
});

it('replaces characters XML cannot hold', () => {
  assert.equal(escapeXml('a\u0000b\u001Fc\tok\n'), 'a\uFFFDb\uFFFDc\tok\n');
  assert.equal(escapeXml('lone \uD800 surrogate'), 'lone \uFFFD surrogate');
  assert.equal(escapeXml('pair 😀'), 'pair 😀');
});

it('builds a standalone, well-formed document with escaped text and attributes', () => {
  const svg = new SvgBuilder(100.4, 50, `Title <&>"'`);
  svg.open('g', { class: `x"y` });
  svg.text(1.234, 5, `label <&>"'`, { 'data-note': `<&>"'` });
  svg.line(0, 0, 10, 10, { stroke: undefined });
  const text = svg.toString();
  assert.ok(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="101" height="50" viewBox="0 0 101 50"'));
  assert.match(text, /font-family="[^"]*sans-serif"/);
  assert.ok(text.endsWith('</svg>\n'));
  const elements = parseXml(text);
  assert.deepEqual(
    elements.map((e) => e.name),
    ['svg', 'title', 'g', 'text', 'line'],
  );
  const label = elements.find((e) => e.name === 'text')!;
  assert.equal(unescapeXml(label.text), `label <&>"'`);
  assert.equal(unescapeXml(label.attrs['data-note']!), `<&>"'`);
  assert.equal(label.attrs.x, '1.23');
  assert.equal('stroke' in elements.find((e) => e.name === 'line')!.attrs, false);
});

it('writes paths with rounded coordinates', () => {
  assert.equal(pathData([[0, 0], [1.005, 2.5], [3, -0.0001]]), 'M0 0 L1 2.5 L3 0');
  assert.equal(pathData([[0, 0], [1, 1]], true), 'M0 0 L1 1 Z');
});

it('the test checker rejects what it should', () => {
  assert.throws(() => parseXml('<svg><g></svg>'), /closes/);
  assert.throws(() => parseXml('<svg><text>a & b</text></svg>'), /unescaped &/);
  assert.throws(() => parseXml('<svg a="<"></svg>'), /unescaped </);
  assert.throws(() => parseXml('<svg></svg><svg></svg>'), /more than one root/);
  assert.throws(() => parseXml('<svg>'), /unclosed/);
});
