// The transport against tiny local node:http servers: auth headers, redaction, retries, timeouts.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { MlflowClient } from './client.js';
import { MlflowError } from './errors.js';
import { MlflowHttp } from './http.js';
import { freePortUrl } from './testing/ports.js';
import { backoffMs, defaultRetry, parseRetryAfter } from './retry.js';

interface Recorder {
  readonly url: string;
  readonly requests: { method: string; path: string; headers: IncomingHttpHeaders; at: number }[];
  close(): Promise<void>;
}

const servers: Recorder[] = [];
after(async () => Promise.all(servers.map((s) => s.close())));

/** A server that records each request and answers with `handler(n)` for the n-th one (0-based). */
async function recorder(handler: (n: number, req: IncomingMessage, res: ServerResponse) => void): Promise<Recorder> {
  const requests: Recorder['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, at: Date.now() });
    req.resume();
    req.on('end', () => handler(requests.length - 1, req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const rec: Recorder = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  servers.push(rec);
  return rec;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const fast = { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 4, maxElapsedMs: 10_000 };
const get = { method: 'GET', path: '/api/2.0/mlflow/x', idempotent: true } as const;

function withEnv<T>(vars: Record<string, string | undefined>, body: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  try {
    return body();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

function assertHidden(error: unknown, secrets: string[]): void {
  assert.ok(error instanceof MlflowError);
  const views = [error.message, error.stack ?? '', String(error), inspect(error, { depth: 5 }), JSON.stringify(error), error.serverMessage ?? ''];
  for (const secret of secrets) for (const view of views) assert.ok(!view.includes(secret), `secret leaked into: ${view.slice(0, 200)}`);
}

describe('MlflowHttp auth', () => {
  it('sends MLFLOW_TRACKING_TOKEN as Bearer and never shows it in errors', async () => {
    const token = 'tok-SECRET-123456';
    // The server echoes the header back in its error, as a badly behaved proxy might.
    const server = await recorder((_, req, res) => json(res, 403, { error_code: 'PERMISSION_DENIED', message: `denied for ${req.headers.authorization}` }));
    const client = withEnv({ MLFLOW_TRACKING_TOKEN: token, MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' }, () => new MlflowClient({ trackingUri: server.url, retry: fast }));
    const error = await client.getRun('abc').catch((e: unknown) => e);
    assert.equal(server.requests[0]?.headers.authorization, `Bearer ${token}`);
    assert.ok(error instanceof MlflowError);
    assert.equal(error.status, 403);
    assert.equal(error.errorCode, 'PERMISSION_DENIED');
    assert.match(error.message, /^MLflow request GET \/api\/2\.0\/mlflow\/runs\/get failed \(403 PERMISSION_DENIED\): denied for Bearer \*\*\*\. Check MLFLOW_TRACKING_TOKEN/);
    assertHidden(error, [token]);
    assert.equal(server.requests.length, 1, '403 is not retried');
  });

  it('sends MLFLOW_TRACKING_USERNAME / PASSWORD as Basic and never shows them in errors', async () => {
    const password = 'pw-SECRET-987';
    const basic = Buffer.from(`alice:${password}`).toString('base64');
    const server = await recorder((_, req, res) => json(res, 401, { error_code: 'UNAUTHENTICATED', message: `bad ${req.headers.authorization} (${password})` }));
    const client = withEnv({ MLFLOW_TRACKING_TOKEN: undefined, MLFLOW_TRACKING_USERNAME: 'alice', MLFLOW_TRACKING_PASSWORD: password }, () => new MlflowClient({ trackingUri: server.url }));
    const error = await client.getRun('abc').catch((e: unknown) => e);
    assert.equal(server.requests[0]?.headers.authorization, `Basic ${basic}`);
    assertHidden(error, [password, basic]);
  });

  it('takes user:password from the tracking URI as Basic auth and keeps it out of the base URL', async () => {
    const server = await recorder((_, __, res) => json(res, 200, { run: { info: { run_id: 'r', experiment_id: '0' } } }));
    const url = new URL(server.url);
    url.username = 'bob';
    url.password = 's3cret-pw';
    const client = withEnv({ MLFLOW_TRACKING_TOKEN: undefined, MLFLOW_TRACKING_USERNAME: undefined }, () => new MlflowClient({ trackingUri: url.toString() }));
    assert.ok(!client.trackingUri.includes('s3cret'));
    await client.getRun('r');
    assert.equal(server.requests[0]?.headers.authorization, `Basic ${Buffer.from('bob:s3cret-pw').toString('base64')}`);
  });

  it('sends no Authorization header without credentials', async () => {
    const server = await recorder((_, __, res) => json(res, 200, {}));
    const http = new MlflowHttp({ trackingUri: server.url, credentials: null });
    await http.json(get);
    assert.equal(server.requests[0]?.headers.authorization, undefined);
  });
});

describe('MlflowHttp retries', () => {
  it('backs off exponentially with jitter, capped', () => {
    const policy = { ...defaultRetry, baseDelayMs: 100, maxDelayMs: 1000 };
    for (const [retry, ceiling] of [[1, 100], [2, 200], [3, 400], [4, 800], [5, 1000], [9, 1000]] as const) {
      assert.equal(backoffMs(policy, retry, () => 0), ceiling / 2);
      assert.equal(backoffMs(policy, retry, () => 0.999999), ceiling);
    }
  });

  it('honours Retry-After in seconds on 503 and 429', async () => {
    const server = await recorder((n, _, res) => (n === 0 ? json(res, 503, {}, { 'retry-after': '1' }) : n === 1 ? json(res, 429, {}, { 'retry-after': '0' }) : json(res, 200, { ok: true })));
    const http = new MlflowHttp({ trackingUri: server.url, retry: fast, credentials: null });
    assert.deepEqual(await http.json(get), { ok: true });
    assert.equal(server.requests.length, 3);
    const [a, b] = server.requests;
    assert.ok(b!.at - a!.at >= 950, `waited ${b!.at - a!.at} ms for Retry-After: 1`);
  });

  it('honours Retry-After as an HTTP date', async () => {
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:58 GMT')), 2000);
    assert.equal(parseRetryAfter('garbage'), undefined);
    const server = await recorder((n, _, res) => (n === 0 ? json(res, 503, {}, { 'retry-after': new Date(Date.now() + 2000).toUTCString() }) : json(res, 200, {})));
    const http = new MlflowHttp({ trackingUri: server.url, retry: fast, credentials: null });
    await http.json(get);
    const [a, b] = server.requests;
    assert.ok(b!.at - a!.at >= 900, `waited ${b!.at - a!.at} ms`);
  });

  it('gives up after maxAttempts with a message that says what failed', async () => {
    const server = await recorder((_, __, res) => json(res, 500, { error_code: 'INTERNAL_ERROR', message: 'database is locked' }));
    const http = new MlflowHttp({ trackingUri: server.url, retry: { ...fast, maxAttempts: 3 }, credentials: null });
    const error = await http.json(get).catch((e: unknown) => e);
    assert.ok(error instanceof MlflowError);
    assert.equal(server.requests.length, 3);
    assert.equal(error.attempts, 3);
    assert.match(error.message, /^MLflow request GET \/api\/2\.0\/mlflow\/x failed after 3 attempts in [\d.]+ s \(500 INTERNAL_ERROR\): database is locked\. The MLflow server failed/);
  });

  it('refuses to wait for a Retry-After beyond the budget', async () => {
    const server = await recorder((_, __, res) => json(res, 503, {}, { 'retry-after': '3600' }));
    const http = new MlflowHttp({ trackingUri: server.url, retry: fast, credentials: null });
    const started = Date.now();
    await assert.rejects(http.json(get), (e: unknown) => e instanceof MlflowError && e.status === 503);
    assert.ok(Date.now() - started < 1000);
    assert.equal(server.requests.length, 1);
  });

  it('does not resend a non-idempotent request after a 500, but does after a 503', async () => {
    const s500 = await recorder((_, __, res) => json(res, 500, {}));
    const post = { method: 'POST', path: '/api/2.0/mlflow/runs/create', json: {}, idempotent: false } as const;
    const error = await new MlflowHttp({ trackingUri: s500.url, retry: fast, credentials: null }).json(post).catch((e: unknown) => e);
    assert.ok(error instanceof MlflowError && error.ambiguous);
    assert.equal(s500.requests.length, 1);
    const s503 = await recorder((n, _, res) => json(res, n < 2 ? 503 : 200, {}));
    await new MlflowHttp({ trackingUri: s503.url, retry: fast, credentials: null }).json(post);
    assert.equal(s503.requests.length, 3);
  });

  it('retries a dropped connection on an idempotent request', async () => {
    const server = await recorder((n, req, res) => (n === 0 ? req.socket.destroy() : json(res, 200, { ok: 1 })));
    assert.deepEqual(await new MlflowHttp({ trackingUri: server.url, retry: fast, credentials: null }).json(get), { ok: 1 });
    assert.equal(server.requests.length, 2);
  });

  it('times out each attempt and reports it', async () => {
    const server = await recorder(() => {}); // never answers
    const http = new MlflowHttp({ trackingUri: server.url, retry: { ...fast, maxAttempts: 2 }, timeoutMs: 150, credentials: null });
    const error = await http.json(get).catch((e: unknown) => e);
    assert.ok(error instanceof MlflowError);
    assert.equal(error.kind, 'ambiguous');
    assert.equal(server.requests.length, 2);
    assert.match(error.message, /failed after 2 attempts .*\(TIMEOUT\)/);
  });

  it('retries a refused connection and then says to check the server', async () => {
    const url = await freePortUrl();
    const http = new MlflowHttp({ trackingUri: url, retry: { ...fast, maxAttempts: 3 }, credentials: null });
    const error = await http.json({ ...get, idempotent: false }).catch((e: unknown) => e);
    assert.ok(error instanceof MlflowError);
    assert.equal(error.kind, 'connect');
    assert.equal(error.attempts, 3);
    assert.match(error.message, /\(ECONNREFUSED\)\. Check that the MLflow server is running/);
  });
});
