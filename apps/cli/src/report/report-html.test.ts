import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ResultsFile } from '@veriflow/runner';
import { inlineFigures } from './figures-section.js';
import { renderReport } from './report-html.js';
import { readReportResults } from './report-results.js';
import type { ReportInstance } from './report-results.js';
import { writeReport } from './write-report.js';

const HOSTILE = `<script>alert("x")</script>`;

const instance = (fields: Partial<ReportInstance> & Pick<ReportInstance, 'name' | 'step'>): ReportInstance => ({
  matrix: {},
  status: 'succeeded',
  reason: 'new',
  attempts: 1,
  durationMs: 12,
  values: {},
  metrics: {},
  kind: 'core/sum',
  upstream: [],
  ...fields,
});

function results(figures: ResultsFile['figures']): ResultsFile {
  return {
    format: 1,
    workflow: 'demo',
    runId: '20261203-120000-abcdef',
    status: 'succeeded',
    durationMs: 1500,
    preset: null,
    overrides: [`label=${HOSTILE}`],
    provenance: { host: 'node-7', user: 'ana', node: 'v20.20.2', platform: 'linux-x64', gitCommit: '0123abcd-dirty', packages: { '@veriflow/cli': '0.1.0' } },
    figures,
    instances: [
      instance({ name: 'synth', step: 'synth', kind: 'gaussian/synthesize', values: { engine: 'wasm+openblas' } }),
      instance({
        name: `verify[verifier=${HOSTILE}]`,
        step: 'verify',
        kind: 'gaussian/verify',
        matrix: { verifier: HOSTILE },
        values: { phi: 0.9, psi: 0.3, p_star: 0.75, generator_error: 0.2, kept_count: 1234, label: `a&b "quoted" 'single'` },
        metrics: { phi: 0.9, psi: 0.3, p_star: 0.75, generator_error: 0.2, kept: 1234 },
        upstream: ['synth'],
      }),
      instance({ name: 'evaluate', step: 'evaluate', kind: 'gaussian/evaluate', values: { p_star: 0.75 }, metrics: { accuracy: 0.9375 }, upstream: [`verify[verifier=${HOSTILE}]`] }),
      instance({ name: 'broken', step: 'broken', status: 'failed', error: `<img src=x onerror=alert(1)> failed`, upstream: ['evaluate'] }),
    ],
    params: { note: HOSTILE },
    seed: 7,
    expectations: [{ name: 'beats-generator', that: '${{ steps.evaluate.outputs.accuracy > 0.5 }}', message: `</td>${HOSTILE}`, status: 'failed', tolerance: undefined, if: true, measured: { 'steps.evaluate.outputs.accuracy': 0.4321 }, values: {} }],
  };
}

describe('the HTML report', () => {
  let dir: string;
  let svgPath: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'veriflow-report-'));
    svgPath = join(dir, 'curves.figure.svg');
    await writeFile(svgPath, '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('escapes every user value: instance names, matrix values, messages, errors, params and --set', async () => {
    const page = renderReport(results([]), []);
    assert.equal(page.match(/<script/g)?.length, 1, 'only the report’s own script element');
    assert.doesNotMatch(page, /<img src=x/);
    assert.doesNotMatch(page, /<\/td><script/);
    assert.match(page, /verify\[verifier=&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;\]/);
    assert.match(page, /a&amp;b &quot;quoted&quot; &#39;single&#39;/);
    assert.match(page, /&lt;img src=x onerror=alert\(1\)&gt; failed/);
    assert.match(page, /label=&lt;script&gt;/);
  });

  it('is self-contained: no external src, href or style, a policy that forbids any request, figures as data URIs', async () => {
    const figures = await inlineFigures([{ instance: 'curves', output: 'figure', path: svgPath }]);
    const page = renderReport(results([]), figures);
    assert.doesNotMatch(page, /(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    assert.doesNotMatch(page, /<link\b|@import|url\(\s*["']?https?:/i);
    assert.match(page, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; img-src data:;/);
    const encoded = (await readFile(svgPath)).toString('base64');
    assert.ok(page.includes(`<img src="data:image/svg+xml;base64,${encoded}"`), 'the figure inlined as a data URI');
  });

  it('carries the sorting and filtering script, and each cell’s exact value to sort by', () => {
    const page = renderReport(results([]), []);
    assert.match(page, /querySelectorAll\('table\.sortable'\)/);
    assert.match(page, /querySelectorAll\('input\.filter'\)/);
    assert.match(page, /<table class="sortable" id="instances-verify">/);
    assert.match(page, /<input type="search" class="filter" data-filter-for="instances-verify"/);
    assert.match(page, /<td class="num" data-v="0\.9375">0\.9375<\/td>/);
  });

  it('draws a p* table for verification steps only, with φ, ψ, p*, generator error and kept', () => {
    const page = renderReport(results([]), []);
    const table = /<table class="sortable" id="pstar-verify">[\s\S]*?<\/table>/.exec(page)?.[0] ?? '';
    assert.match(table, /<th scope="col" tabindex="0">φ<\/th><th scope="col" tabindex="0">ψ<\/th><th scope="col" tabindex="0">p\* = φ\/\(φ\+ψ\)<\/th><th scope="col" tabindex="0">generator error<\/th><th scope="col" tabindex="0">kept<\/th>/);
    assert.match(table, /data-v="0\.75">0\.75<\/td><td class="num" data-v="0\.2">0\.2<\/td><td class="num" data-v="1234">1234<\/td>/);
    assert.doesNotMatch(page, /id="pstar-evaluate"/, 'a step that only carries p* along is not a verification step');
  });

  it('draws the DAG with a box per step and an arrow per step read, and the provenance', () => {
    const page = renderReport(results([]), []);
    const dag = /<svg class="dag"[\s\S]*?<\/svg>/.exec(page)?.[0] ?? '';
    assert.deepEqual([...dag.matchAll(/data-step="([^"]+)"/g)].map((match) => match[1]), ['synth', 'verify', 'evaluate', 'broken']);
    assert.deepEqual([...dag.matchAll(/<title>([^<]+→[^<]+)<\/title>/g)].map((match) => match[1]), ['synth → verify', 'verify → evaluate', 'evaluate → broken']);
    assert.match(dag, /<a href="#step-broken"><g class="node st-failed" data-step="broken"/);
    assert.match(page, /<h3 id="step-broken">/);
    assert.match(page, /<th scope="row">git commit<\/th><td>0123abcd-dirty<\/td>/);
    assert.match(page, /<th scope="row">engine<\/th><td>wasm\+openblas \(1 instance\)<\/td>/);
    assert.match(page, /<th scope="row">seed<\/th><td>7<\/td>/);
  });

  it('says which figure it could not read instead of failing', async () => {
    const figures = await inlineFigures([{ instance: 'curves', output: 'figure', path: join(dir, 'gone.svg') }]);
    assert.match(renderReport(results([]), figures), /<p class="problem">cannot read [^<]*gone\.svg: ENOENT/);
  });

  it('writes the report next to a results.json, also one from before instances recorded their upstream', async () => {
    const old = results([{ instance: 'curves', output: 'figure', path: svgPath }]);
    const path = join(dir, 'results.json');
    await writeFile(path, JSON.stringify({ ...old, instances: old.instances.map(({ upstream: _upstream, ...rest }) => rest) }));
    assert.deepEqual((await readReportResults(path)).instances.map((each) => each.upstream), [[], [], [], []]);
    const written = await writeReport(path);
    assert.equal(written.path, join(dir, 'report.html'));
    assert.match(await readFile(written.path, 'utf8'), /<title>demo: run 20261203-120000-abcdef<\/title>/);
  });
});
