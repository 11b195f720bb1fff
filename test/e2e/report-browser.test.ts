import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Browser, browserSkip, findChromium } from '../support/chromium.js';
import type { Page } from '../support/chromium.js';
import { runCli, workspace } from '../support/cli.js';
import { decodePng, luminanceVariance } from '../support/png.js';

const WORKFLOW = resolve(import.meta.dirname, '..', '..', '..', 'workflows', 'paper', 'gaussian-phase-transition.yaml');
// The paper's workflow, shrunk to a second of work: 3 error rates × 4 verifiers, d = 10.
const SMALL = ['--set', 'dim=10', '--set', 'n=2000', '--set', 'n_test=500', '--set', 'ps=[0.2,0.5,0.8]', '--no-expect-fail'];

interface Instance {
  name: string;
  step: string;
  values: Record<string, unknown>;
  metrics: Record<string, number>;
}
interface Results {
  runId: string;
  instances: Instance[];
  expectations: { name: string; status: string }[];
  provenance: { gitCommit?: string };
}

/** A table as the page shows it: its header labels and, per visible row, each cell's text and exact value. */
interface ShownTable {
  headers: string[];
  rows: { text: string; v: string }[][];
}

const readTable = (page: Page, id: string): Promise<ShownTable> =>
  page.evaluate(`(() => {
    const table = document.getElementById(${JSON.stringify(id)});
    return {
      headers: Array.from(table.tHead.rows[0].cells, (cell) => cell.textContent.replace(/ [▲▼]$/, '')),
      rows: Array.from(table.tBodies[0].rows).filter((row) => !row.hidden).map((row) => Array.from(row.cells, (cell) => ({ text: cell.textContent, v: cell.dataset.v }))),
    };
  })()`);

const column = (table: ShownTable, label: string): { text: string; v: string }[] => {
  const index = table.headers.indexOf(label);
  assert.ok(index >= 0, `column ${label} in ${table.headers.join(', ')}`);
  return table.rows.map((row) => row[index]!);
};

const shown = (value: number): string => (Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4))));

/** The element's box in page coordinates, scrolled into view (for the mouse) first. */
const boxOf = (page: Page, selector: string): Promise<{ x: number; y: number; width: number; height: number; viewportX: number; viewportY: number }> =>
  page.evaluate(`(() => {
    const element = document.querySelector(${JSON.stringify(selector)});
    element.scrollIntoView({ block: 'center' });
    const box = element.getBoundingClientRect();
    return { x: box.left + scrollX, y: box.top + scrollY, width: box.width, height: box.height, viewportX: box.left + box.width / 2, viewportY: box.top + box.height / 2 };
  })()`);

async function click(page: Page, selector: string): Promise<void> {
  const { viewportX: x, viewportY: y } = await boxOf(page, selector);
  for (const type of ['mousePressed', 'mouseReleased']) await page.send('Input.dispatchMouseEvent', { type, x, y, button: 'left', clickCount: 1 });
}

const skip = browserSkip();

describe('the HTML report of a real run, in headless Chromium', { skip }, () => {
  let scratch: { dir: string; dispose: () => Promise<void> };
  let browser: Browser;
  let page: Page;
  let results: Results;
  const problems: string[] = [];
  const requests: string[] = [];

  before(async () => {
    scratch = await workspace({});
    const run = await runCli(['run', WORKFLOW, ...SMALL], scratch.dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const reportPath = join('.veriflow', 'workflows', 'gaussian-phase-transition', 'report.html');
    assert.match(run.stdout, new RegExp(`\\nreport: ${reportPath.replace(/\./g, '\\.')}\\n`));
    results = JSON.parse(await readFile(join(scratch.dir, '.veriflow', 'workflows', 'gaussian-phase-transition', 'results.json'), 'utf8'));
    browser = await Browser.launch(findChromium()!);
    page = await browser.newPage();
    page.on('Runtime.exceptionThrown', (params) => problems.push(`exception: ${JSON.stringify(params['exceptionDetails'])}`));
    page.on('Runtime.consoleAPICalled', (params) => void (['error', 'assert'].includes(String(params['type'])) && problems.push(`console.${params['type']}: ${JSON.stringify(params['args'])}`)));
    page.on('Log.entryAdded', (params) => void ((params['entry'] as { level: string }).level === 'error' && problems.push(`log: ${JSON.stringify(params['entry'])}`)));
    page.on('Network.requestWillBeSent', (params) => requests.push((params['request'] as { url: string }).url));
    for (const domain of ['Runtime', 'Log', 'Page', 'Network']) await page.send(`${domain}.enable`);
    await page.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });
    const loaded = new Promise<void>((resolveLoad) => page.on('Page.loadEventFired', () => resolveLoad()));
    await page.send('Page.navigate', { url: pathToFileURL(join(scratch.dir, reportPath)).href });
    await loaded;
    await page.evaluate('Promise.all(Array.from(document.images, (image) => image.decode()))');
  });
  after(async () => {
    await browser?.close();
    await scratch?.dispose();
  });

  it('draws every figure and the DAG: no blank region where they stand', async () => {
    const figures = await page.evaluate<string[]>(`Array.from(document.querySelectorAll('figure[data-instance]'), (figure) => figure.dataset.instance)`);
    assert.deepEqual(figures, ['curves', 'heatmap']);
    for (const selector of ['figure[data-instance="curves"] img', 'figure[data-instance="heatmap"] img', 'svg.dag']) {
      const { x, y, width, height } = await boxOf(page, selector);
      assert.ok(width > 100 && height > 50, `${selector} is laid out (${width}×${height})`);
      const { data } = await page.send<{ data: string }>('Page.captureScreenshot', { format: 'png', clip: { x, y, width, height, scale: 1 }, captureBeyondViewport: true });
      const variance = luminanceVariance(decodePng(Buffer.from(data, 'base64')));
      assert.ok(variance > 100, `${selector} has drawn content (luminance variance ${variance.toFixed(1)})`);
    }
  });

  it('holds the run’s numbers: the p* table, the instance tables, the expectations, the provenance', async () => {
    const verify = results.instances.filter((instance) => instance.step === 'verify');
    const pStar = await readTable(page, 'pstar-verify');
    assert.deepEqual(column(pStar, 'instance').map((cell) => cell.text), verify.map((instance) => instance.name));
    for (const [label, key] of [['φ', 'phi'], ['ψ', 'psi'], ['p* = φ/(φ+ψ)', 'p_star'], ['generator error', 'generator_error']] as const) {
      const cells = column(pStar, label);
      verify.forEach((instance, row) => {
        const value = instance.values[key] as number;
        assert.equal(Number(cells[row]!.v), value, `${instance.name} ${key}`);
        assert.equal(cells[row]!.text, shown(value), `${instance.name} ${key} as shown`);
      });
    }
    const evaluate = await readTable(page, 'instances-evaluate');
    const accuracies = results.instances.filter((instance) => instance.step === 'evaluate').map((instance) => instance.metrics['accuracy']);
    assert.deepEqual(column(evaluate, 'accuracy').map((cell) => Number(cell.v)), accuracies);
    const expectations = await page.evaluate<[string, string][]>(`Array.from(document.querySelectorAll('#expectations tbody tr'), (row) => [row.dataset.expectation, row.querySelector('.badge').textContent])`);
    assert.deepEqual(expectations, results.expectations.map((claim) => [claim.name, claim.status === 'not-evaluated' ? 'not evaluated' : claim.status]));
    const commit = await page.evaluate<string>(`Array.from(document.querySelectorAll('#provenance th')).find((th) => th.textContent === 'git commit').nextElementSibling.textContent`);
    assert.equal(commit, results.provenance.gitCommit ?? '(not in a git repository)');
  });

  it('sorts a table by the clicked header, ascending then descending', async () => {
    const header = '#pstar-verify thead th:nth-child(7)';
    assert.equal(await page.evaluate(`document.querySelector('${header}').textContent`), 'p* = φ/(φ+ψ)');
    await click(page, header);
    const ascending = column(await readTable(page, 'pstar-verify'), 'p* = φ/(φ+ψ)').map((cell) => Number(cell.v));
    assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b));
    assert.notDeepEqual(ascending, results.instances.filter((instance) => instance.step === 'verify').map((instance) => instance.values['p_star']), 'sorting moved rows');
    await click(page, header);
    const descending = column(await readTable(page, 'pstar-verify'), 'p* = φ/(φ+ψ)').map((cell) => Number(cell.v));
    assert.deepEqual(descending, [...ascending].reverse());
  });

  it('filters a table to the rows holding the typed words', async () => {
    await click(page, 'input[data-filter-for="instances-evaluate"]');
    await page.send('Input.insertText', { text: 'oracle' });
    const rows = column(await readTable(page, 'instances-evaluate'), 'instance').map((cell) => cell.text);
    const oracles = results.instances.filter((instance) => instance.step === 'evaluate' && instance.name.includes('verifier=oracle')).map((instance) => instance.name);
    assert.deepEqual(rows, oracles);
    assert.equal(await page.evaluate(`document.querySelector('[data-count-for="instances-evaluate"]').textContent`), `${oracles.length} of 12 rows`);
  });

  it('raised no console error or exception and fetched nothing from outside the file', () => {
    assert.deepEqual(problems, []);
    assert.deepEqual(requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:')), []);
  });
});
