import { execFile } from 'node:child_process';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const FRAME = /(file:\/\/\/[^\s()]+?):(\d+):(\d+)/g;

/** A path as the user would type it: relative to the current directory when inside it. */
function shown(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside && !inside.startsWith(`..${sep}`) && inside !== '..' ? inside : path;
}

/**
 * Where in a plugin's own code `error` arose, as `path:line:col`: the first stack frame in the folder of the
 * module at `moduleUrl` (outside any node_modules below it), skipping veriflow's and Node's frames.
 */
export function pluginFrame(error: unknown, moduleUrl: string): string | undefined {
  const stack = error instanceof Error ? error.stack : undefined;
  if (stack === undefined || !moduleUrl.startsWith('file:')) return undefined;
  const folder = new URL('.', moduleUrl).href;
  for (const [, url, line, col] of stack.matchAll(FRAME)) {
    if (url!.startsWith(folder) && !url!.slice(folder.length).includes('node_modules/')) return `${shown(fileURLToPath(url!))}:${line}:${col}`;
  }
  return undefined;
}

/**
 * Where a module fails to parse, as `path:line:col`. `import()` gives a SyntaxError without any position,
 * so ask `node --check`, which prints the file and line, then the source line with carets under the fault.
 */
export function syntaxErrorPosition(moduleUrl: string): Promise<string | undefined> {
  if (!moduleUrl.startsWith('file:')) return Promise.resolve(undefined);
  const path = fileURLToPath(moduleUrl);
  return new Promise((resolvePosition) => {
    execFile(process.execPath, ['--check', path], { timeout: 10_000 }, (_error, _stdout, stderr) => {
      const [where = '', , carets = ''] = stderr.split('\n');
      const line = /:(\d+)$/.exec(where)?.[1];
      const col = carets.indexOf('^');
      resolvePosition(line === undefined || col < 0 ? undefined : `${shown(path)}:${line}:${col + 1}`);
    });
  });
}
