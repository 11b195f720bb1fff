#!/usr/bin/env node
// Runs every compiled test file with node's built-in runner. Node 20 has no glob support in --test,
// so the files are collected here. `--unit` leaves out the end-to-end tests in test/; `--dir D`
// runs only the tests of one project (used by the per-project Nx `test` targets).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const dirFlag = args.indexOf('--dir');
const unitOnly = args.includes('--unit');

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : testFiles(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

/**
 * The TypeScript source a compiled test came from (libraries compile src/ to dist/, test/ compiles itself).
 * tsc never deletes outputs, so a test whose source was removed or renamed lingers in dist/ and would run.
 */
function sourceOf(project, compiled) {
  const relative = compiled.slice(join(project, 'dist').length + 1).replace(/\.js$/, '.ts');
  return existsSync(join(project, 'src')) ? join(project, 'src', relative) : join(project, relative);
}

const projects =
  dirFlag >= 0
    ? [resolve(process.cwd(), args[dirFlag + 1] ?? '.')]
    : ['libs', 'apps'].flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name))).concat(unitOnly ? [] : [join(root, 'test')]);

// The tracking tests talk to a real MLflow server; install it once up front (a no-op when present) so the
// first test file does not pay for it. A failed install is reported, and those suites say why they skip;
// under VERIFLOW_REQUIRE_MLFLOW=1 (CI) it fails the run instead.
if (!unitOnly && dirFlag < 0) {
  const { mlflowAvailability } = await import('./mlflow-server.js');
  try {
    const { skip } = mlflowAvailability({ quiet: false });
    if (skip) console.error(`warning: ${skip}; the MLflow integration tests will be skipped`);
  } catch (error) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
}

const files = projects
  .flatMap((project) => testFiles(join(project, 'dist')).filter((file) => existsSync(sourceOf(project, file))))
  .sort();
if (files.length === 0) {
  console.error('no compiled test files found; run `npm run build` first');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
