// Helpers every benchmark shares: timing a child process, medians, argument checks, plain tables.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** A failure of the benchmark itself (a command failed, a result check failed); a missed target is not one. */
export class BenchError extends Error {}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Right-aligned columns except the first, with a dashed rule under the header. */
export function formatTable(header, rows) {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => String(row[column]).length)));
  const line = (cells) => cells.map((cell, column) => (column === 0 ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function positiveInteger(name, value, fallback) {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new BenchError(`${name} needs a whole number of at least 1, got "${value}"`);
  return number;
}

/** A failed child process, with the tails of its output, for a BenchError. */
export function describeFailure(label, result) {
  const tail = (text) => text.trim().split('\n').slice(-15).join('\n');
  return `${label} exited with ${result.signal ?? result.code}\n--- stdout (tail) ---\n${tail(result.stdout)}\n--- stderr (tail) ---\n${tail(result.stderr)}`;
}

/**
 * Spawns a command and resolves once it has exited and its output is drained, with its wall time in ms
 * (`ms`) and the epoch time it was spawned at (`spawnedAt`, for matching with server-side timestamps).
 */
export function spawnTimed(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const stdout = [];
    const stderr = [];
    const spawnedAt = performance.timeOrigin + performance.now();
    const start = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (chunk) => stdout.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ ms: performance.now() - start, spawnedAt, code, signal, stdout: stdout.join(''), stderr: stderr.join('') }));
  });
}
