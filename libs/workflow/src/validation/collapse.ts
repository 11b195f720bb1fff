import type { ErrorObject } from 'ajv';
import type { CompiledSchema } from './compiled-schema.js';

/** One problem to report: an ajv error, or a summary standing in for a whole anyOf/oneOf cascade. */
export interface Issue {
  /** JSON Pointer relative to the validated value. */
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly data: unknown;
  readonly parentSchema: unknown;
  /** Set for errors raised inside `propertyNames`: the key itself is wrong. */
  readonly propertyName?: string;
  /** The schema's own explanation of the field, shown as part of the hint. */
  readonly description?: string;
  readonly message?: string;
}

function descriptionOf(schema: unknown): string | undefined {
  const description = (schema as { description?: unknown } | undefined)?.description;
  return typeof description === 'string' ? description : undefined;
}

function toIssue(error: ErrorObject, prefix = ''): Issue {
  const propertyName = (error as { propertyName?: string }).propertyName;
  return {
    instancePath: prefix + error.instancePath,
    keyword: error.keyword,
    params: error.params,
    data: error.data,
    parentSchema: error.parentSchema,
    ...(propertyName !== undefined ? { propertyName } : {}),
    ...(descriptionOf(error.parentSchema) !== undefined ? { description: descriptionOf(error.parentSchema)! } : {}),
    ...(error.message !== undefined ? { message: error.message } : {}),
  };
}

const within = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}/`);

/** An expected value in words, for summaries of branches that all failed on the value's kind. */
function expectationOf(issue: Issue): string[] {
  if (issue.keyword === 'type') return String(issue.params.type).split(',');
  if (issue.keyword === 'const') return [JSON.stringify(issue.params.allowedValue)];
  if (issue.keyword === 'enum') return (issue.params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
  return [];
}

/**
 * Picks what to say about a failed anyOf/oneOf. If every branch rejected the
 * value outright (wrong type, not the constant) one summary lists the choices;
 * otherwise the branch that came closest wins: one whose type matched, that
 * does not fail a `const` discriminator, with the fewest problems.
 */
function choose(error: ErrorObject, branches: Issue[][]): Issue[] {
  const here = error.instancePath;
  const description = descriptionOf(error.parentSchema);
  const base = { instancePath: here, data: error.data, parentSchema: error.parentSchema, ...(description ? { description } : {}) };
  const nonEmpty = branches.filter((issues) => issues.length > 0);
  if (nonEmpty.length === 0) return [toIssue(error)];
  const outright = (i: Issue): boolean => i.instancePath === here && ['type', 'const', 'enum'].includes(i.keyword);
  if (nonEmpty.every((issues) => issues.every(outright))) {
    const expected = [...new Set(nonEmpty.flatMap((issues) => issues.flatMap(expectationOf)))];
    const keyword = nonEmpty.some((issues) => issues.some((i) => i.keyword === 'type')) ? 'type' : 'enum';
    return [{ ...base, keyword, params: { expected } }];
  }
  const missingOnly = (issues: Issue[]): boolean => issues.length === 1 && issues[0]!.keyword === 'required' && issues[0]!.instancePath === here;
  if (nonEmpty.every(missingOnly)) {
    const alternatives = [...new Set(nonEmpty.map((issues) => String(issues[0]!.params.missingProperty)))];
    return [{ ...base, keyword: 'required', params: { missingProperty: alternatives[0], alternatives } }];
  }
  const score = (issues: Issue[]): number[] => [
    issues.some((i) => i.keyword === 'type' && i.instancePath === here) ? 1 : 0,
    issues.some((i) => i.keyword === 'const') ? 1 : 0,
    issues.length,
  ];
  let best = nonEmpty[0]!;
  for (const issues of nonEmpty.slice(1)) {
    const [a, b] = [score(issues), score(best)];
    const better = a.findIndex((v, k) => v !== b[k]);
    if (better >= 0 && a[better]! < b[better]!) best = issues;
  }
  // The anyOf usually carries the field's description; its branches rarely do.
  return best.map((i) => (i.description || !description || i.instancePath !== here ? i : { ...i, description }));
}

interface Entry {
  /** How many raw ajv errors this entry stands for. */
  readonly raw: number;
  readonly issues: Issue[];
}

/** Removes the entries for the last `count` raw errors, or nothing if they do not line up with one anyOf's block. */
function popBlock(stack: Entry[], count: number, under: string): Entry[] | undefined {
  const popped: Entry[] = [];
  let total = 0;
  while (total < count && stack.length) {
    const entry = stack.pop()!;
    popped.push(entry);
    total += entry.raw;
  }
  const aligned = total === count && popped.every((e) => e.issues.every((i) => within(i.instancePath, under)));
  if (!aligned) stack.push(...popped.reverse());
  return aligned ? popped : undefined;
}

/**
 * Turns ajv's flat error list into the issues worth reporting. With allErrors,
 * ajv emits every branch's errors of a failed anyOf/oneOf right before the
 * anyOf error itself, but their schemaPaths may point into $ref targets, so
 * they cannot be attributed by path. Instead each branch is validated alone,
 * which tells both how many errors precede the anyOf (and are removed) and
 * which belong to which branch.
 */
export function collapseErrors(errors: readonly ErrorObject[], schema: CompiledSchema, prefix = ''): Issue[] {
  const stack: Entry[] = [];
  for (const error of errors) {
    const keyword = error.keyword;
    // Wrappers: the errors inside them already say what is wrong.
    if (keyword === 'if' || keyword === 'propertyNames') {
      stack.push({ raw: 1, issues: [] });
      continue;
    }
    if (keyword !== 'anyOf' && keyword !== 'oneOf') {
      stack.push({ raw: 1, issues: [toIssue(error, prefix)] });
      continue;
    }
    const options = Array.isArray(error.schema) ? error.schema : [];
    const branches: ErrorObject[][] = [];
    for (let i = 0; i < options.length; i++) {
      const found = schema.validateBranch(error.schemaPath, i, error.data);
      if (!found) break;
      branches.push(found);
    }
    const count = branches.reduce((n, b) => n + b.length, 0);
    const block = branches.length === options.length ? popBlock(stack, count, prefix + error.instancePath) : undefined;
    if (!block) {
      stack.push({ raw: 1, issues: [toIssue(error, prefix)] });
      continue;
    }
    const ambiguous = keyword === 'oneOf' && Array.isArray(error.params.passingSchemas);
    const located = { ...error, instancePath: prefix + error.instancePath };
    const issues = ambiguous
      ? [toIssue(error, prefix)]
      : choose(located, branches.map((b) => collapseErrors(b, schema, prefix + error.instancePath)));
    stack.push({ raw: count + 1, issues });
  }
  return stack.flatMap((entry) => entry.issues);
}
