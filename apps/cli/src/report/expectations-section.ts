import { countExpectations, measuredLines } from '../render/expectations.js';
import type { ShownExpectation } from '../render/expectations.js';
import { html } from './html.js';
import type { SafeHtml } from './html.js';

const WORDS: Record<ShownExpectation['status'], string> = { held: 'held', failed: 'failed', 'not-evaluated': 'not evaluated', skipped: 'skipped' };

/** Each claim: held or failed, its message, the measured values, and the expression it checks. */
export function renderExpectations(results: readonly ShownExpectation[]): SafeHtml {
  if (results.length === 0) return html`<p class="none">The workflow declares no expectations (<code>expect:</code>).</p>`;
  return html`<p class="counts">${countExpectations(results)}</p>
<table class="expectations" id="expectations">
<thead><tr><th scope="col">status</th><th scope="col">expectation</th><th scope="col">measured</th><th scope="col">that</th></tr></thead>
<tbody>
${results.map(
  (result) => html`<tr class="ex-${result.status}" data-expectation="${result.name}"><td><span class="badge ex-${result.status}">${WORDS[result.status]}</span></td><td><strong>${result.name}</strong>${result.message === undefined ? '' : html`<div class="message">${result.message}</div>`}${result.reason ? html`<div class="reason">${result.reason}</div>` : ''}</td><td><ul class="measured">${measuredLines(result).map((line) => html`<li>${line}</li>`)}</ul></td><td><code>${result.that.trim()}</code></td></tr>\n`,
)}</tbody>
</table>`;
}
