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

/** JUnit XML with one test case per expectation, as CI systems (GitHub, GitLab, Jenkins) display test reports. */
export function renderJunit(workflow: string, results: readonly ShownExpectation[]): string {
  const suite = `veriflow.${workflow}`;
  const failures = results.filter((result) => result.status === 'failed').length;
  const errors = results.filter((result) => result.status === 'not-evaluated').length;
  const skipped = results.filter((result) => result.status === 'skipped').length;
  const counts = `tests="${results.length}" failures="${failures}" errors="${errors}" skipped="${skipped}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="veriflow" ${counts}>`,
    `  <testsuite name="${escapeXml(suite)}" ${counts}>`,
    ...results.map((result) => testCase(result, suite)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
