import type { YAMLError } from 'yaml';
import type { Diagnostic, SourceSpan } from '../diagnostics/diagnostic.js';

/** What to do about each yaml-library error; its own messages say what broke, rarely how to fix it. */
const HINTS: Partial<Record<YAMLError['code'], string>> = {
  BAD_INDENT: 'Indent entries of the same map or list by the same number of spaces, and close every "[" or "{" you open.',
  TAB_AS_INDENT: 'YAML does not allow tabs for indentation; indent with spaces.',
  MISSING_CHAR: 'Add the missing character; a quoted value must end with the same quote on the same logical value.',
  UNEXPECTED_TOKEN: 'Check the punctuation here; put values containing ": ", " #", "[", "]", "{", "}" or "," in quotes.',
  BAD_SCALAR_START: 'A plain value cannot start with this character; put the value in quotes.',
  MULTILINE_IMPLICIT_KEY: 'A key and its ":" must be on one line; if this line continues a value, quote that value.',
  BLOCK_AS_IMPLICIT_KEY: 'Quote the value if it contains ": ", or put the nested map on its own indented lines.',
  BLOCK_IN_FLOW: 'Inside "[...]" or "{...}" write values inline; "- item" lists and "key:" blocks are not allowed there.',
  KEY_OVER_1024_CHARS: 'Shorten the key, or check for a missing ":" earlier on the line.',
  MULTIPLE_DOCS: 'A workflow file holds exactly one document; remove the extra "---" or split the file.',
  BAD_ALIAS: 'Define the anchor ("&name") before using it as "*name".',
  BAD_DQ_ESCAPE: 'Fix the backslash escape, or use single quotes where backslashes are literal.',
  TAG_RESOLVE_FAILED: 'Remove the "!tag" or make the value match it.',
};
const DEFAULT_HINT = 'Fix the YAML syntax here; put values that contain YAML punctuation in quotes.';

/** The yaml library's first line, without its trailing position text. */
export function tidy(message: string): string {
  const first = message.split('\n')[0] ?? message;
  const bare = first.replace(/ at line \d+, column \d+:?$/, '').replace(/\.$/, '');
  return bare.charAt(0).toLowerCase() + bare.slice(1);
}

/** Questions about the parsed tree that turn the yaml library's error positions into better ones. */
export interface YamlLookup {
  /** The map key starting at `offset`: its name and where it ends. */
  keyAt(offset: number): { name: string; end: number } | undefined;
  /** Start of the innermost quoted scalar or flow collection whose text runs up to `offset`. */
  openerEndingAt(offset: number, kind: 'quote' | 'flow'): number | undefined;
}

export function yamlErrorToDiagnostic(error: YAMLError, lookup: YamlLookup, spanAt: (offset: number, length: number) => SourceSpan): Diagnostic {
  const [start, end] = error.pos;
  if (error.code === 'DUPLICATE_KEY') {
    // yaml marks only the key's first character; name and underline the whole key.
    const key = lookup.keyAt(start);
    return {
      code: 'YAML_SYNTAX',
      span: spanAt(start, (key?.end ?? end) - start),
      message: key ? `duplicate key "${key.name}"` : 'duplicate key',
      hint: 'Each key may appear only once in a map; remove or rename one of them.',
    };
  }
  // An unclosed quote or bracket is reported where the file or block ends; the user needs to see where it opened.
  if (error.code === 'MISSING_CHAR' && /quote/.test(error.message)) {
    const opened = lookup.openerEndingAt(start, 'quote');
    if (opened !== undefined) {
      return { code: 'YAML_SYNTAX', span: spanAt(opened, 1), message: 'this quoted value is never closed', hint: 'Add the matching closing quote at the end of the value.' };
    }
  }
  if (error.code === 'BAD_INDENT' && /^Flow (sequence|map)/.test(error.message)) {
    const opened = lookup.openerEndingAt(start, 'flow');
    if (opened !== undefined) {
      const [open, close] = error.message.startsWith('Flow map') ? ['{', '}'] : ['[', ']'];
      return {
        code: 'YAML_SYNTAX',
        span: spanAt(opened, 1),
        message: `"${open}" is never closed`,
        hint: `Add the matching "${close}"; if the value continues on the next lines, indent them further than its key.`,
      };
    }
  }
  const message = error.code === 'MULTIPLE_DOCS' ? 'the file contains more than one YAML document' : tidy(error.message);
  return { code: 'YAML_SYNTAX', span: spanAt(start, Math.max(0, end - start)), message, hint: HINTS[error.code] ?? DEFAULT_HINT };
}
