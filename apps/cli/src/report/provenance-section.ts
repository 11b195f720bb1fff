import { formatMs } from '@veriflow/runner';
import { html } from './html.js';
import type { SafeHtml } from './html.js';
import type { ReportResults } from './report-results.js';

/** How often each tensor engine ran, from the steps that record one (`engine` value output). */
function engines(results: ReportResults): string {
  const counts = new Map<string, number>();
  for (const instance of results.instances) {
    const engine = instance.values.engine;
    if (typeof engine === 'string') counts.set(engine, (counts.get(engine) ?? 0) + 1);
  }
  return [...counts].map(([engine, count]) => `${engine} (${count} instance${count === 1 ? '' : 's'})`).join(', ');
}

/** Who ran what where, with what: enough to reproduce the run or explain why it differs. */
export function renderProvenance(results: ReportResults): SafeHtml {
  const provenance = results.provenance ?? {};
  const rows: [string, unknown][] = [
    ['run', results.runId],
    ['workflow', results.workflow],
    ['status', results.status],
    ['duration', formatMs(results.durationMs ?? 0)],
    ['preset', results.preset ?? '(defaults)'],
    ['--set', results.overrides.join(' ') || '(none)'],
    ['seed', results.seed],
    ['git commit', provenance.gitCommit ?? '(not in a git repository)'],
    ['host', provenance.host],
    ['user', provenance.user],
    ['node', provenance.node],
    ['platform', provenance.platform],
    ['engine', engines(results) || '(no step records one)'],
  ];
  const packages = Object.entries(provenance.packages ?? {});
  return html`<table class="provenance" id="provenance"><tbody>
${rows.map(([label, value]) => html`<tr><th scope="row">${label}</th><td>${value ?? ''}</td></tr>\n`)}<tr><th scope="row">packages</th><td>${packages.map(([name, version]) => html`<code>${name}@${version}</code> `)}</td></tr>
</tbody></table>
<h3>params</h3>
<pre class="params">${JSON.stringify(results.params, null, 2)}</pre>`;
}
