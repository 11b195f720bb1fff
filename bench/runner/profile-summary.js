#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `node --cpu-prof ...`): top functions by self time, by inclusive
// (total) time, and self time per file. Paths are shown relative to the repository root.
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof apps/cli/dist/main.js run wf.yaml --workspace ws
//   node bench/runner/profile-summary.js /tmp/prof/CPU.*.cpuprofile [--top N] [--callers NAME]
// `--callers NAME` also charges the self time of functions whose label contains NAME (e.g. keyCheck,
// openFileHandle) to their nearest caller in libs/ or apps/.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function shortUrl(url) {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith(`${ROOT}/`) ? path.slice(ROOT.length + 1) : path;
}

function summarise(file, top, callersOf) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    return `${shortUrl(url)}:${lineNumber + 1} ${functionName || '(anonymous)'}`;
  };

  const self = new Map();
  const total = new Map();
  const perFile = new Map();
  let sum = 0;
  profile.samples.forEach((id, index) => {
    const dt = (profile.timeDeltas[index] ?? 0) / 1000; // µs → ms
    sum += dt;
    const node = nodes.get(id);
    const key = label(node);
    self.set(key, (self.get(key) ?? 0) + dt);
    const fileKey = node.callFrame.url ? shortUrl(node.callFrame.url) : node.callFrame.functionName || '(native)';
    perFile.set(fileKey, (perFile.get(fileKey) ?? 0) + dt);
    const seen = new Set();
    for (let current = id; current !== undefined; current = parent.get(current)) {
      const ancestor = label(nodes.get(current));
      if (seen.has(ancestor)) continue;
      seen.add(ancestor);
      total.set(ancestor, (total.get(ancestor) ?? 0) + dt);
    }
  });

  const print = (title, map, filter = () => true) => {
    console.log(`\n${title}`);
    const rows = [...map].filter(([key]) => filter(key)).sort((a, b) => b[1] - a[1]).slice(0, top);
    for (const [key, ms] of rows) console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${((100 * ms) / sum).toFixed(1).padStart(5)}%  ${key}`);
  };
  console.log(`${file}: ${sum.toFixed(0)} ms sampled, ${profile.samples.length} samples`);
  print(`top ${top} by self time`, self);
  print(`top ${top} by self time, per file`, perFile);
  print(`top ${top} veriflow functions by inclusive time`, total, (key) => /^(libs|apps)\//.test(key));

  // Self time of functions whose label contains `callersOf`, charged to their nearest veriflow caller.
  if (callersOf) {
    const callers = new Map();
    profile.samples.forEach((id, index) => {
      if (!label(nodes.get(id)).includes(callersOf)) return;
      let current = parent.get(id);
      while (current !== undefined && !/^(libs|apps)\//.test(label(nodes.get(current)))) current = parent.get(current);
      const key = current === undefined ? '(no veriflow caller)' : label(nodes.get(current));
      callers.set(key, (callers.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
    });
    print(`self time of "${callersOf}" by nearest veriflow caller`, callers);
  }
}

const { values, positionals } = parseArgs({ options: { top: { type: 'string' }, callers: { type: 'string' } }, allowPositionals: true });
if (positionals.length === 0) {
  console.error('usage: node bench/runner/profile-summary.js FILE.cpuprofile... [--top N] [--callers NAME]');
  process.exitCode = 2;
} else {
  for (const file of positionals) summarise(file, Number(values.top ?? 20), values.callers);
}
