import type { BaselineComparison } from '../check/baseline-comparison.js';
import { formatDelta, formatNumber, formatRelative } from './baseline.js';
import { measuredLines } from './expectations.js';
import type { ShownExpectation } from './expectations.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

// XML 1.0 cannot carry most control characters even escaped; a stray one from a step's value would make CI reject the file.
const allowedInXml = (c: string): boolean => c >= ' ' || c === '\t' || c === '\n' || c === '\r';
const escapeXml = (text: string): string => [...text].filter(allowedInXml).join('').replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function detailOf(result: ShownExpectation): string {
  const lines = [`that: ${result.that.trim()}`, ...measuredLines(result)];
  if (result.reason) lines.push(result.reason);
  return lines.join('\n');
}

function testCase(result: ShownExpectation, suite: string): string {
  const open = `    <testcase classname="${escapeXml(suite)}" name="${escapeXml(result.name)}" time="0"`;
  if (result.status === 'held') return `${open}>\n      <system-out>${escapeXml(detailOf(result))}</system-out>\n    </testcase>`;
  if (result.status === 'skipped') return `${open}>\n      <skipped message="${escapeXml(result.reason ?? 'skipped')}"/>\n    </testcase>`;
  // Not evaluated is an error, not a skip: CI must not show a claim that was never checked as passing.
  const element = result.status === 'failed' ? 'failure' : 'error';
  const message = result.status === 'failed' ? (result.message ?? `expectation ${result.name} failed`) : `not evaluated: ${result.reason ?? ''}`;
  return `${open}>\n      <${element} type="${result.status}" message="${escapeXml(message)}">${escapeXml(detailOf(result))}</${element}>\n    </testcase>`;
}

interface Suite {
  readonly name: string;
  readonly cases: readonly string[];
  readonly failures: number;
  readonly errors: number;
  readonly skipped: number;
}

function expectationSuite(workflow: string, results: readonly ShownExpectation[]): Suite {
  const name = `veriflow.${workflow}`;
  return {
    name,
    cases: results.map((result) => testCase(result, name)),
    failures: results.filter((result) => result.status === 'failed').length,
    errors: results.filter((result) => result.status === 'not-evaluated').length,
    skipped: results.filter((result) => result.status === 'skipped').length,
  };
}

/** One test case per instance: it fails when one of its numbers moved; one the run no longer has is skipped. */
function baselineSuite(workflow: string, comparison: BaselineComparison, baseline: string): Suite {
  const name = `veriflow.${workflow}.against-baseline`;
  const open = (instance: string): string => `    <testcase classname="${escapeXml(name)}" name="${escapeXml(instance)}" time="0"`;
  const sided = (entries: BaselineComparison['appeared'], instance: string, word: string): string[] =>
    entries.filter((entry) => entry.instance === instance && entry.label !== undefined).map((entry) => `${word}: ${entry.label} = ${formatNumber(entry.value!)}`);
  const cases = comparison.compared.map(({ instance, moved }) => {
    const notes = [...sided(comparison.appeared, instance, 'appeared'), ...sided(comparison.disappeared, instance, 'disappeared')];
    const out = notes.length > 0 ? `\n      <system-out>${escapeXml(notes.join('\n'))}</system-out>` : '';
    if (!moved) return `${open(instance)}>${out}\n    </testcase>`;
    const here = comparison.moved.filter((number) => number.instance === instance);
    const lines = here.map((number) => `${number.label}: ${formatNumber(number.baseline)} → ${formatNumber(number.now)} (${formatDelta(number)}${number.relative === undefined ? '' : `, ${formatRelative(number)}`})`);
    const message = `moved against ${baseline}: ${here.map((number) => number.label).join(', ')}`;
    return `${open(instance)}>\n      <failure type="moved" message="${escapeXml(message)}">${escapeXml(lines.join('\n'))}</failure>${out}\n    </testcase>`;
  });
  const whole = (entries: BaselineComparison['appeared']): string[] => entries.filter((entry) => entry.label === undefined).map((entry) => entry.instance);
  for (const instance of whole(comparison.appeared)) cases.push(`${open(instance)}>\n      <system-out>not in the baseline</system-out>\n    </testcase>`);
  for (const instance of whole(comparison.disappeared)) cases.push(`${open(instance)}>\n      <skipped message="in the baseline, not in this run"/>\n    </testcase>`);
  return { name, cases, failures: comparison.compared.filter((entry) => entry.moved).length, errors: 0, skipped: whole(comparison.disappeared).length };
}

const countsOf = (suites: readonly Suite[]): string => {
  const sum = (field: 'failures' | 'errors' | 'skipped'): number => suites.reduce((total, suite) => total + suite[field], 0);
  return `tests="${suites.reduce((total, suite) => total + suite.cases.length, 0)}" failures="${sum('failures')}" errors="${sum('errors')}" skipped="${sum('skipped')}"`;
};

/**
 * JUnit XML as CI systems (GitHub, GitLab, Jenkins) display test reports: one test case per
 * expectation, and with `check --against` a second suite with one test case per instance compared.
 */
export function renderJunit(workflow: string, results: readonly ShownExpectation[], against?: { readonly comparison: BaselineComparison; readonly baseline: string }): string {
  const claims = expectationSuite(workflow, results);
  // A workflow without expect: compared with a baseline has only the comparison to report.
  const suites = against ? [...(results.length > 0 ? [claims] : []), baselineSuite(workflow, against.comparison, against.baseline)] : [claims];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="veriflow" ${countsOf(suites)}>`,
    ...suites.flatMap((suite) => [`  <testsuite name="${escapeXml(suite.name)}" ${countsOf([suite])}>`, ...suite.cases, '  </testsuite>']),
    '</testsuites>',
    '',
  ].join('\n');
}
