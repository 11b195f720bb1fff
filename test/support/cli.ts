import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The built CLI, run exactly as a user runs it. */
export const CLI = resolve(import.meta.dirname, '..', '..', '..', 'apps', 'cli', 'dist', 'main.js');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function startCli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolvePromise) => child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runCli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(args, cwd, env).done;
}

/** A scratch workspace with the given files; removed by `dispose`. */
export async function workspace(files: Record<string, string>): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'veriflow-e2e-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

export interface ResultsInstance {
  readonly name: string;
  readonly status: string;
  readonly reason: string;
  readonly key?: string;
  readonly values: Record<string, unknown>;
  readonly attempts: number;
  readonly error?: string;
}

export async function readResults(dir: string, workflow: string): Promise<{ status: string; instances: ResultsInstance[] }> {
  return JSON.parse(await readFile(join(dir, '.veriflow', 'workflows', workflow, 'results.json'), 'utf8'));
}

export function statusesOf(results: { instances: ResultsInstance[] }): Record<string, string> {
  return Object.fromEntries(results.instances.map((instance) => [instance.name, instance.status]));
}

export function countBy(results: { instances: ResultsInstance[] }): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const instance of results.instances) counts[instance.status] = (counts[instance.status] ?? 0) + 1;
  return counts;
}
