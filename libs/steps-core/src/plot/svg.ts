import { num } from './format.js';

/** Fonts with near-identical metrics first; the layout's text estimates leave room for the fallbacks. */
export const FONT_FAMILY = 'Helvetica, Arial, Liberation Sans, DejaVu Sans, sans-serif';

/** Whether XML 1.0 can hold the code point (C0 controls other than tab/newline/return, lone surrogates and U+FFFE/U+FFFF it cannot). */
function xmlChar(code: number): boolean {
  if (code < 0x20) return code === 0x09 || code === 0x0a || code === 0x0d;
  if (code >= 0xd800 && code <= 0xdfff) return false; // a lone surrogate: pairs arrive here as one code point
  return code !== 0xfffe && code !== 0xffff;
}

function sanitize(text: string): string {
  let result = '';
  for (const char of text) result += xmlChar(char.codePointAt(0) ?? 0) ? char : '\uFFFD';
  return result;
}

/** Text safe inside XML content and double- or single-quoted attributes. */
export function escapeXml(text: string): string {
  return sanitize(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export type AttrValue = string | number | undefined;
export type Attrs = Readonly<Record<string, AttrValue>>;

function attrText(attrs: Attrs): string {
  let text = '';
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    text += ` ${key}="${typeof value === 'number' ? num(value) : escapeXml(value)}"`;
  }
  return text;
}

/**
 * Collects SVG elements as text, in drawing order, with two-space indentation per open group.
 * Numbers in attributes are rounded to 2 decimals; strings are escaped.
 */
export class SvgBuilder {
  readonly #lines: string[] = [];
  readonly #open: string[] = [];
  #depth = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    title?: string,
  ) {
    const w = Math.ceil(width);
    const h = Math.ceil(height);
    this.#lines.push(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"` +
        ` font-family="${escapeXml(FONT_FAMILY)}" font-size="12" role="img"${title ? ` aria-label="${escapeXml(title)}"` : ''}>`,
    );
    this.#depth = 1;
    if (title) this.element('title', {}, title);
  }

  /** A childless element, or one with escaped text content. */
  element(tag: string, attrs: Attrs, text?: string): this {
    const pad = '  '.repeat(this.#depth);
    this.#lines.push(text === undefined ? `${pad}<${tag}${attrText(attrs)}/>` : `${pad}<${tag}${attrText(attrs)}>${escapeXml(text)}</${tag}>`);
    return this;
  }

  open(tag: string, attrs: Attrs = {}): this {
    this.#lines.push(`${'  '.repeat(this.#depth)}<${tag}${attrText(attrs)}>`);
    this.#open.push(tag);
    this.#depth++;
    return this;
  }

  /** Closes the innermost open element. */
  close(): this {
    const tag = this.#open.pop();
    if (tag === undefined) throw new Error('SvgBuilder.close() without an open element');
    this.#depth--;
    this.#lines.push(`${'  '.repeat(this.#depth)}</${tag}>`);
    return this;
  }

  text(x: number, y: number, content: string, attrs: Attrs = {}): this {
    return this.element('text', { x, y, ...attrs }, content);
  }

  line(x1: number, y1: number, x2: number, y2: number, attrs: Attrs = {}): this {
    return this.element('line', { x1, y1, x2, y2, ...attrs });
  }

  rect(x: number, y: number, width: number, height: number, attrs: Attrs = {}): this {
    return this.element('rect', { x, y, width: Math.max(0, width), height: Math.max(0, height), ...attrs });
  }

  /** The finished document (open elements closed), ending in a newline. */
  toString(): string {
    const closing = [...this.#open].reverse().map((tag, i) => `${'  '.repeat(this.#depth - 1 - i)}</${tag}>`);
    return `${[...this.#lines, ...closing, '</svg>'].join('\n')}\n`;
  }
}

/** An SVG path through the points: `M x y L x y ...`. */
export function pathData(points: readonly (readonly [number, number])[], closed = false): string {
  const parts = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${num(x)} ${num(y)}`);
  return `${parts.join(' ')}${closed ? ' Z' : ''}`;
}
