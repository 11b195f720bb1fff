/**
 * A fault-injecting HTTP proxy for tests: forwards to a real server (e.g. MLflow) and, by rule,
 * answers 503 with Retry-After, drops the connection before forwarding, or forwards and then drops
 * the connection instead of answering (the request took effect; the client sees a reset).
 */
import { request as httpRequest, createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** Answer `status` (default 503) with an optional Retry-After, without forwarding. */
  | { readonly kind: 'unavailable'; readonly status?: number; readonly retryAfter?: string | number }
  /** Drop the connection without forwarding: the server never sees the request. */
  | { readonly kind: 'reset' }
  /** Forward, wait for the server's full answer, then drop the connection: applied but unanswered. */
  | { readonly kind: 'reset-after-forward' }
  /** Forward after `ms` (for client timeouts). */
  | { readonly kind: 'delay'; readonly ms: number };

export interface ProxiedRequest {
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

export interface FaultRule {
  readonly fault: Fault;
  /** Which requests the rule considers (default: all). */
  readonly match?: (req: ProxiedRequest) => boolean;
  /** Fault the first N matching requests. */
  readonly first?: number;
  /** Otherwise fault this fraction of matching requests (deterministic for a given seed). */
  readonly rate?: number;
}

export interface ProxyLogEntry extends ProxiedRequest {
  /** The fault applied, if any. */
  readonly fault: Fault['kind'] | undefined;
  /** Status the client received (undefined when the connection was dropped). */
  status: number | undefined;
}

export interface FlakyProxyOptions {
  /** Base URL of the real server, e.g. http://127.0.0.1:5000. */
  readonly target: string;
  readonly rules?: readonly FaultRule[];
  readonly seed?: number;
}

export interface FlakyProxy {
  /** Base URL to point clients at. */
  readonly url: string;
  /** Every request seen, in order. */
  readonly log: ProxyLogEntry[];
  /** Replaces the rules (and their counts). */
  setRules(rules: readonly FaultRule[]): void;
  /** How many logged requests satisfy `predicate`. */
  count(predicate: (entry: ProxyLogEntry) => boolean): number;
  close(): Promise<void>;
}

/** Small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Matches requests to one MLflow REST endpoint, e.g. `endpoint('runs/create')`. */
export function endpoint(name: string, method?: string): (req: ProxiedRequest) => boolean {
  return (req) => (method === undefined || req.method === method) && (req.path.split('?')[0] ?? '').endsWith(`/${name}`);
}

export async function startFlakyProxy(options: FlakyProxyOptions): Promise<FlakyProxy> {
  const target = new URL(options.target);
  const rand = random(options.seed ?? 1);
  let rules: { rule: FaultRule; seen: number }[] = [];
  const setRules = (next: readonly FaultRule[]): void => {
    rules = next.map((rule) => ({ rule, seen: 0 }));
  };
  setRules(options.rules ?? []);
  const log: ProxyLogEntry[] = [];

  const pick = (req: ProxiedRequest): Fault | undefined => {
    for (const entry of rules) {
      if (entry.rule.match && !entry.rule.match(req)) continue;
      entry.seen++;
      if (entry.rule.first !== undefined && entry.seen <= entry.rule.first) return entry.rule.fault;
      if (entry.rule.rate !== undefined && rand() < entry.rule.rate) return entry.rule.fault;
    }
    return undefined;
  };

  const forward = (req: IncomingMessage, res: ServerResponse, entry: ProxyLogEntry, dropAnswer: boolean): void => {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        if (dropAnswer) {
          answer.resume();
          answer.on('end', () => req.socket.destroy());
          return;
        }
        entry.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      entry.status = 502;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('proxy: upstream failed');
    });
    req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    const seen: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers };
    const fault = pick(seen);
    const entry: ProxyLogEntry = { ...seen, fault: fault?.kind, status: undefined };
    log.push(entry);
    switch (fault?.kind) {
      case 'unavailable': {
        req.resume();
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
        entry.status = fault.status ?? 503;
        res.writeHead(entry.status, headers);
        res.end(JSON.stringify({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'injected fault' }));
        return;
      }
      case 'reset':
        req.socket.destroy();
        return;
      case 'reset-after-forward':
        forward(req, res, entry, true);
        return;
      case 'delay':
        setTimeout(() => forward(req, res, entry, false), fault.ms).unref();
        return;
      default:
        forward(req, res, entry, false);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    setRules,
    count: (predicate) => log.filter(predicate).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
