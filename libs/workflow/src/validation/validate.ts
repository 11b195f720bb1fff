import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import type { Diagnostic, DiagnosticCode } from '../diagnostics/diagnostic.js';
import type { SourceDocument } from '../source/index.js';
import { collapseErrors } from './collapse.js';
import { compileSchema } from './compiled-schema.js';
import { issueToDiagnostic } from './messages.js';

export interface SchemaTarget {
  readonly doc: SourceDocument;
  /** Where `value` sits in the document; diagnostics point below it. */
  readonly basePath: readonly (string | number)[];
  /** Code for wrong values; unknown and missing keys keep UNKNOWN_KEY and MISSING_KEY. Default INVALID_VALUE. */
  readonly code?: DiagnosticCode;
  /** Names `value` in messages, e.g. `step "train"`. */
  readonly describe?: string;
  /** Drops problems the caller knows are not real, by ajv instance path (relative to `value`) and keyword. */
  readonly ignore?: (instancePath: string, keyword: string) => boolean;
}

/** Checks `value` against a JSON Schema; every problem points at the YAML key or value responsible. */
export function validateAgainstSchema(schema: object, value: unknown, at: SchemaTarget): Diagnostic[] {
  const compiled = compileSchema(schema);
  const errors = compiled.validate(value);
  if (errors.length === 0) return [];
  const context = { doc: at.doc, basePath: at.basePath, value, ...(at.code ? { code: at.code } : {}), ...(at.describe ? { describe: at.describe } : {}) };
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const issue of collapseErrors(errors, compiled)) {
    if (at.ignore?.(issue.instancePath, issue.keyword)) continue;
    const diagnostic = issueToDiagnostic(issue, context);
    const key = `${diagnostic.code} ${diagnostic.span.start.offset} ${diagnostic.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(diagnostic);
  }
  return sortDiagnostics(diagnostics);
}
