// Drives headless Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: requests on
// fd 3, replies and events on fd 4, each a JSON message ended by a NUL byte). No client library: the
// protocol is a few messages here, and a library such as puppeteer-core pins a Chrome revision that
// Debian's chromium need not match.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome'];

/** VERIFLOW_CHROMIUM, else the first Chromium on PATH (Debian's `chromium` package installs /usr/bin/chromium). */
export function findChromium(): string | undefined {
  const explicit = process.env['VERIFLOW_CHROMIUM'];
  if (explicit) return explicit;
  const directories = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  for (const name of CANDIDATES) {
    for (const directory of directories) {
      try {
        accessSync(join(directory, name), constants.X_OK);
        return join(directory, name);
      } catch {
        // not in this directory
      }
    }
  }
  return undefined;
}

/**
 * Why the browser tests cannot run here, or false when they can. Under VERIFLOW_REQUIRE_BROWSER=1 (CI,
 * where .ci/run installs chromium) a missing browser throws, so the suite fails instead of skipping.
 */
export function browserSkip(): string | false {
  if (findChromium() !== undefined) return false;
  const reason = `no Chromium found (looked for ${CANDIDATES.join(', ')} on PATH; set VERIFLOW_CHROMIUM, or apt-get install chromium)`;
  if (process.env['VERIFLOW_REQUIRE_BROWSER'] === '1') throw new Error(`VERIFLOW_REQUIRE_BROWSER=1, but ${reason}`);
  return reason;
}

interface Message {
  readonly id?: number;
  readonly method?: string;
  readonly params?: Record<string, unknown>;
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly message: string };
  readonly sessionId?: string;
}

type Listener = (params: Record<string, unknown>) => void;

/** One page of the browser: protocol commands go to its session. */
export interface Page {
  send<T = Record<string, unknown>>(method: string, params?: Record<string, unknown>): Promise<T>;
  on(method: string, listener: Listener): void;
  /** Evaluates an expression in the page (awaiting a promise) and returns its value as JSON. */
  evaluate<T>(expression: string): Promise<T>;
}

export class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (result: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  private readonly listeners = new Map<string, Listener[]>();
  private stderrTail = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    let buffered = '';
    (child.stdio[4] as Readable).on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (let end = buffered.indexOf('\0'); end >= 0; end = buffered.indexOf('\0')) {
        this.dispatch(JSON.parse(buffered.slice(0, end)) as Message);
        buffered = buffered.slice(end + 1);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000)));
    child.on('exit', (code, signal) => {
      for (const { reject } of this.pending.values()) reject(new Error(`chromium exited (code ${code}, signal ${signal}); its stderr ends:\n${this.stderrTail}`));
      this.pending.clear();
    });
  }

  static async launch(executable: string): Promise<Browser> {
    const profile = await mkdtemp(join(tmpdir(), 'veriflow-chromium-'));
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    const args = ['--headless=new', '--no-sandbox', '--disable-gpu', '--remote-debugging-pipe', '--no-first-run', '--no-default-browser-check', '--disable-extensions', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, 'about:blank'];
    const child = spawn(executable, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    const browser = new Browser(child, profile);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) => reject(new Error(`cannot start ${executable}: ${error.message}`)));
    });
    await browser.command('Browser.getVersion');
    return browser;
  }

  private dispatch(message: Message): void {
    if (message.id !== undefined) {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiting?.reject(new Error(message.error.message));
      else waiting?.resolve(message.result ?? {});
      return;
    }
    for (const listener of this.listeners.get(`${message.sessionId ?? ''}:${message.method}`) ?? []) listener(message.params ?? {});
  }

  private command<T>(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<T> {
    const id = this.nextId++;
    const reply = new Promise<Record<string, unknown>>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    (this.child.stdio[3] as Writable).write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return reply as Promise<T>;
  }

  /** A new tab, attached, with its runtime and log reporting on. */
  async newPage(): Promise<Page> {
    const { targetId } = await this.command<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.command<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
    const page: Page = {
      send: (method, params) => this.command(method, params, sessionId),
      on: (method, listener) => this.listeners.set(`${sessionId}:${method}`, [...(this.listeners.get(`${sessionId}:${method}`) ?? []), listener]),
      evaluate: async <T>(expression: string): Promise<T> => {
        const reply = await this.command<{ result: { value: T }; exceptionDetails?: { text: string; exception?: { description?: string } } }>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
        if (reply.exceptionDetails) throw new Error(`in the page: ${reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text}`);
        return reply.result.value;
      },
    };
    return page;
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => (this.child.exitCode !== null ? resolve() : this.child.once('exit', () => resolve())));
    await this.command('Browser.close').catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    await rm(this.profile, { recursive: true, force: true });
  }
}
