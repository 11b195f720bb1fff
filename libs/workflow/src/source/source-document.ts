import { isCollection, isNode, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import type { Scalar } from 'yaml';
import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import type { Diagnostic, SourcePosition, SourceSpan } from '../diagnostics/diagnostic.js';
import { MAX_YAML_DEPTH, valueDepthExceeds } from '../limits/nesting-limits.js';
import { findNode, isEmptyScalar, rangeOf, sourceOffsetInScalar } from './locate.js';
import type { JsonPath } from './locate.js';
import { findNestingBeyond } from './nesting-depth.js';
import { hasPlaceholder, maskExpressions, placeholderIndices, unmaskExpressions } from './placeholders.js';
import { yamlErrorToDiagnostic } from './yaml-errors.js';
import type { YamlLookup } from './yaml-errors.js';

export type { JsonPath } from './locate.js';

/** A parsed workflow file that remembers where every value came from. */
export interface SourceDocument {
  readonly file: string;
  readonly text: string;
  /** Plain JS data; `${{ ... }}` expressions are kept verbatim inside strings. */
  readonly value: unknown;
  /** YAML syntax problems, duplicate keys and unclosed expressions, sorted by position. */
  readonly diagnostics: Diagnostic[];
  /**
   * Span of the value at `path` (or of its key, with part 'key'). For a path
   * that does not exist, the span of the deepest existing ancestor, preferring
   * the key that names it: a missing `uses` in step `train` points at `train:`.
   */
  locate(path: JsonPath, part?: 'key' | 'value'): SourceSpan;
  /** Source position of `stringOffset` within the string at `path`; the scalar's start when that cannot be exact. */
  locateInString(path: JsonPath, stringOffset: number, part?: 'key' | 'value'): SourcePosition;
  spanAt(offset: number, length: number): SourceSpan;
}

/** A quoted scalar's escapes (`''`, `\"`) also apply to the expressions inside it, so decode the original text. */
function restoreQuoted(scalar: Scalar, text: string): string | undefined {
  if ((scalar.type !== 'QUOTE_DOUBLE' && scalar.type !== 'QUOTE_SINGLE') || !scalar.range) return undefined;
  const alone = parseDocument(text.slice(scalar.range[0], scalar.range[1]));
  if (alone.errors.length) return undefined;
  const value: unknown = alone.toJS();
  return typeof value === 'string' ? value : undefined;
}

const TOO_DEEP_HINT = `Flatten the data, or move it into a file that the step reads; workflows may nest maps and lists at most ${MAX_YAML_DEPTH} levels deep.`;

export function parseWorkflowSource(text: string, file: string): SourceDocument {
  const lineCounter = new LineCounter();
  const masked = maskExpressions(text);
  // Composing a document recurses once per level, so a file nested thousands deep would overflow the stack.
  const tooDeep = findNestingBeyond(masked.text, MAX_YAML_DEPTH, lineCounter.addNewLine);
  const doc = parseDocument(tooDeep === undefined ? masked.text : '', { prettyErrors: false, uniqueKeys: true });

  const position = (offset: number): SourcePosition => {
    const clamped = Math.min(Math.max(0, offset), text.length);
    const { line, col } = lineCounter.linePos(clamped);
    return line === 0 ? { line: 1, col: clamped + 1, offset: clamped } : { line, col, offset: clamped };
  };
  const spanAt = (offset: number, length: number): SourceSpan => ({ file, start: position(offset), end: position(offset + length) });
  const spanOfRange = (range: readonly [number, number] | undefined): SourceSpan =>
    range ? spanAt(range[0], range[1] - range[0]) : spanAt(0, 0);

  const inValues = new Set<number>();
  const aliasProblems: Diagnostic[] = [];
  let firstAlias: SourceSpan | undefined;
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !hasPlaceholder(node.value)) return;
      for (const index of placeholderIndices(node.value)) inValues.add(index);
      node.value = restoreQuoted(node, text) ?? unmaskExpressions(node.value, masked.expressions);
    },
    // Checked here because yaml only throws, without a position, when converting such aliases.
    Alias(_key, node, ancestors) {
      const target = node.resolve(doc);
      const span = spanOfRange(rangeOf(node));
      firstAlias ??= span;
      if (!target) {
        aliasProblems.push({ code: 'YAML_SYNTAX', span, message: `alias "*${node.source}" has no anchor`, hint: `Define "&${node.source}" on a value before this line.` });
      } else if (ancestors.includes(target)) {
        aliasProblems.push({ code: 'YAML_SYNTAX', span, message: `alias "*${node.source}" refers to a value that contains it`, hint: 'A value cannot include itself; copy the parts you need instead.' });
      }
    },
  });

  const lookup: YamlLookup = {
    keyAt(offset) {
      let found: { name: string; end: number } | undefined;
      visit(doc, {
        Pair(_key, pair) {
          if (isScalar(pair.key) && pair.key.range?.[0] === offset) found = { name: String(pair.key.value), end: pair.key.range[1] };
          return found ? visit.BREAK : undefined;
        },
      });
      return found;
    },
    openerEndingAt(offset, kind) {
      let opened: number | undefined;
      visit(doc, (_key, node) => {
        const fits = kind === 'quote' ? isScalar(node) && /^QUOTE_/.test(node.type ?? '') : isCollection(node) && node.flow === true;
        const range = isNode(node) ? node.range : undefined;
        if (fits && range && range[1] === offset && (opened === undefined || range[0] > opened)) opened = range[0];
      });
      return opened;
    },
  };
  // Keep one error per line: yaml often reports a cascade of follow-on errors on the line that broke.
  const errorLines = new Set<number>();
  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    const diagnostic = yamlErrorToDiagnostic(error, lookup, spanAt);
    if (error.code !== 'DUPLICATE_KEY' && errorLines.has(diagnostic.span.start.line)) continue;
    errorLines.add(diagnostic.span.start.line);
    diagnostics.push(diagnostic);
  }
  for (const { offset, index } of masked.unterminated) {
    // A dangling `${{` in a comment is prose, not an expression.
    if (!inValues.has(index)) continue;
    diagnostics.push({
      code: 'EXPR_SYNTAX',
      span: spanAt(offset, 3),
      message: 'expression "${{" is never closed',
      hint: 'Add "}}" on the same line to end the expression.',
    });
  }

  if (tooDeep !== undefined) {
    diagnostics.push({ code: 'LIMIT', span: spanAt(tooDeep, 1), message: `maps and lists nest more than ${MAX_YAML_DEPTH} levels deep here`, hint: TOO_DEEP_HINT });
  }
  diagnostics.push(...aliasProblems);
  let value: unknown;
  try {
    value = aliasProblems.length || tooDeep !== undefined ? undefined : doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    value = undefined;
    diagnostics.push({
      code: 'YAML_SYNTAX',
      span: spanAt(0, 0),
      message: `cannot read the document: ${(error as Error).message}`,
      hint: 'Check the anchors ("&name") and aliases ("*name") in the file.',
    });
  }
  // Each level is within the limit as written, but aliases can stack one deep value inside another.
  if (firstAlias && valueDepthExceeds(value, MAX_YAML_DEPTH)) {
    value = undefined;
    diagnostics.push({ code: 'LIMIT', span: firstAlias, message: `once aliases are expanded, maps and lists nest more than ${MAX_YAML_DEPTH} levels deep`, hint: TOO_DEEP_HINT });
  }

  const locate = (path: JsonPath, part: 'key' | 'value' = 'value'): SourceSpan => {
    const found = findNode(doc, path);
    const preferKey = !found.complete || part === 'key' || isEmptyScalar(found.node);
    if (preferKey && found.key) return spanOfRange(rangeOf(found.key));
    // A missing key at the top level has no naming key; point at the first line rather than span the file.
    if (!found.complete) {
      const range = rangeOf(found.node);
      return range ? spanAt(range[0], 0) : spanAt(0, 0);
    }
    return spanOfRange(rangeOf(found.node));
  };

  const locateInString = (path: JsonPath, stringOffset: number, part: 'key' | 'value' = 'value'): SourcePosition => {
    const found = findNode(doc, path);
    const node = part === 'key' ? found.key : found.node;
    if (found.complete && isScalar(node)) {
      const offset = sourceOffsetInScalar(node, text, stringOffset);
      if (offset !== undefined) return position(offset);
    }
    return locate(path, part).start;
  };

  return { file, text, value, diagnostics: sortDiagnostics(diagnostics), locate, locateInString, spanAt };
}
