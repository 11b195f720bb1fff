/**
 * A deliberately small XML well-formedness check for tests: balanced tags, one root element, quoted
 * attributes without raw `<` or stray `&`, text without raw `<` or stray `&`. Not a full parser.
 */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly parent: XmlElement | undefined;
  /** Direct text content, entities left as they are. */
  text: string;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/g;
const NAME = '[A-Za-z_][A-Za-z0-9_.:-]*';
const ATTR = new RegExp(`\\s+(${NAME})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'y');

function checkText(text: string, where: string): void {
  const stripped = text.replace(ENTITY, '');
  if (stripped.includes('&')) throw new Error(`unescaped & in ${where}: ${JSON.stringify(text.slice(0, 80))}`);
  if (stripped.includes('<')) throw new Error(`unescaped < in ${where}: ${JSON.stringify(text.slice(0, 80))}`);
}

/** Every element in document order; throws on the first well-formedness problem found. */
export function parseXml(document: string): XmlElement[] {
  const elements: XmlElement[] = [];
  const stack: XmlElement[] = [];
  let roots = 0;
  let i = 0;
  while (i < document.length) {
    const lt = document.indexOf('<', i);
    const text = document.slice(i, lt < 0 ? document.length : lt);
    if (text.trim() !== '') {
      if (stack.length === 0) throw new Error(`text outside the root element: ${JSON.stringify(text.slice(0, 40))}`);
      checkText(text, 'text');
      stack[stack.length - 1]!.text += text;
    }
    if (lt < 0) break;
    if (document.startsWith('<!--', lt)) {
      const end = document.indexOf('-->', lt);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
      continue;
    }
    if (document.startsWith('<?', lt)) {
      const end = document.indexOf('?>', lt);
      if (end < 0) throw new Error('unterminated processing instruction');
      i = end + 2;
      continue;
    }
    const closing = new RegExp(`</(${NAME})\\s*>`, 'y');
    closing.lastIndex = lt;
    const close = closing.exec(document);
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== close[1]) throw new Error(`</${close[1]}> closes <${open?.name ?? 'nothing'}>`);
      i = closing.lastIndex;
      continue;
    }
    const opening = new RegExp(`<(${NAME})`, 'y');
    opening.lastIndex = lt;
    const open = opening.exec(document);
    if (!open) throw new Error(`malformed tag at ${lt}: ${JSON.stringify(document.slice(lt, lt + 40))}`);
    let j = opening.lastIndex;
    const attrs: Record<string, string> = {};
    for (;;) {
      ATTR.lastIndex = j;
      const attr = ATTR.exec(document);
      if (!attr) break;
      const name = attr[1]!;
      const value = attr[2] ?? attr[3] ?? '';
      if (name in attrs) throw new Error(`duplicate attribute ${name} on <${open[1]}>`);
      checkText(value, `attribute ${name} of <${open[1]}>`);
      attrs[name] = value;
      j = ATTR.lastIndex;
    }
    const end = /\s*(\/?)>/y;
    end.lastIndex = j;
    const tail = end.exec(document);
    if (!tail) throw new Error(`malformed tag <${open[1]}> at ${lt}: ${JSON.stringify(document.slice(lt, lt + 60))}`);
    const element: XmlElement = { name: open[1]!, attrs, parent: stack[stack.length - 1], text: '' };
    if (stack.length === 0) {
      roots++;
      if (roots > 1) throw new Error('more than one root element');
    }
    elements.push(element);
    if (tail[1] !== '/') stack.push(element);
    i = end.lastIndex;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (roots !== 1) throw new Error('no root element');
  return elements;
}

/** Replaces the five predefined entities and numeric references in text taken from `parseXml`. */
export function unescapeXml(text: string): string {
  return text
    .replace(/&#x([0-9A-Fa-f]+);/g, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#([0-9]+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The elements whose parent is a `<g>` with the given class. */
export function inGroup(elements: readonly XmlElement[], className: string): XmlElement[] {
  return elements.filter((e) => e.parent?.name === 'g' && e.parent.attrs.class === className);
}
