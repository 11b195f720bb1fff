import { copyFile, mkdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { STOP_GRACE_MS } from '@veriflow/step-api';
import type { OutputSpecs, StepContext, StepDefinition } from '@veriflow/step-api';
import { isInside, listFiles, moveFile } from '../util/files.js';
import { ProcessGroup } from '../util/process-group.js';
import { LineSplitter, TailLines } from '../util/tail-lines.js';
import { CommandFailedError, STDERR_TAIL_LINES, quoteCommand } from './command-error.js';
import { commandCodeFacts } from './command-files.js';

export interface CommandWith {
  /** Numbers and booleans are passed as their text, so `${{ matrix.p }}` needs no quoting. */
  readonly run: readonly (string | number | boolean)[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly values?: string;
  readonly stdin?: string;
  readonly deps?: readonly string[];
}

const EXIT_CODE = 'exit_code';

type CommandOutputs = { readonly exit_code: { readonly kind: 'number' } };

export const command: StepDefinition<CommandWith, CommandOutputs> = {
  name: 'command',
  version: '1',
  description: 'Runs an external program (argv, no shell) and collects the files and values it writes.',
  with: {
    type: 'object',
    properties: {
      run: {
        type: 'array',
        items: { type: ['string', 'number', 'boolean'] },
        minItems: 1,
        description: 'Program and arguments, passed verbatim: no shell. Numbers and booleans are passed as text.',
      },
      env: { type: 'object', additionalProperties: { type: 'string' }, description: 'Added to the inherited environment; VERIFLOW_*, CUDA_VISIBLE_DEVICES (the GPUs of resources.gpu) and CUDA_DEVICE_ORDER are set by the step.' },
      cwd: { type: 'string', description: 'Working directory, relative to the folder of the workflow file (default: a scratch directory of the instance, where relative outputs are read). Refer to scripts as ${{ workflow.dir }}/train.py.' },
      outputs: {
        type: 'object',
        // A relative path through ".." would collect a file from outside the instance's own folder.
        additionalProperties: {
          type: 'string',
          not: { pattern: '(^|[\\\\/])\\.\\.([\\\\/]|$)' },
          description: 'A file the program writes: relative to its working directory, without "..", or absolute.',
        },
        propertyNames: { not: { const: EXIT_CODE } },
        description: 'Artifact outputs: name → file the program writes, relative to $VERIFLOW_WORKDIR unless absolute.',
      },
      values: { type: 'string', description: 'A JSON object file the program writes (relative to $VERIFLOW_WORKDIR); its keys become value outputs.' },
      stdin: { type: 'string', description: 'Text fed to the program on standard input (default: none).' },
      deps: {
        type: 'array',
        items: { type: 'string', pattern: '^/' },
        description: 'Files the program reads as code or configuration (modules its script imports), by absolute path such as ${{ workflow.dir }}/model.py: their content is part of the cache key, as the script\'s is.',
      },
    },
    required: ['run'],
    additionalProperties: false,
  },
  // The runner may call this before validating `with`, so tolerate anything.
  outputs: (withValue): OutputSpecs => {
    const declared = typeof withValue?.outputs === 'object' && withValue.outputs !== null ? Object.keys(withValue.outputs) : [];
    return { ...Object.fromEntries(declared.map((name) => [name, { kind: 'artifact' }])), [EXIT_CODE]: { kind: 'number' } };
  },
  environment: (withValue) => commandCodeFacts(Array.isArray(withValue.run) ? withValue.run : [], Array.isArray(withValue.deps) ? withValue.deps : []),
  async run(ctx) {
    const { outputs = {}, values } = ctx.with;
    const argv = ctx.with.run.map(String);
    const [file, ...args] = argv;
    if (file === undefined) throw new Error('command: `run` must name a program (argv array with at least one item)');
    // By default a program runs in its own scratch directory, so instances never overwrite each other's files.
    const cwd = ctx.with.cwd === undefined ? ctx.workdir : resolve(ctx.workflowDir, ctx.with.cwd);
    if (!(await stat(cwd).catch(() => undefined))?.isDirectory()) {
      throw new CommandFailedError(`could not start: working directory ${cwd} does not exist`, { argv });
    }

    if (ctx.signal.aborted) throw new CommandFailedError(`was cancelled before it started${describeReason(ctx.signal.reason)}`, { argv, cancelled: true });

    ctx.log.debug(`$ ${quoteCommand(argv)} (in ${cwd})`);
    const subprocess = execa(file, args, {
      cwd,
      env: {
        ...ctx.env,
        ...ctx.with.env,
        VERIFLOW_WORKDIR: ctx.workdir,
        VERIFLOW_WORKFLOW_DIR: ctx.workflowDir,
        VERIFLOW_SEED: String(ctx.seed),
        VERIFLOW_INSTANCE: ctx.instance.name,
        // The scheduler owns these: a program sees only the GPUs its instance holds (none for gpu: 0, so
        // an undeclared GPU user fails visibly instead of sharing a device with another instance), and
        // CUDA numbers them as nvidia-smi does (its default, fastest first, can differ).
        CUDA_VISIBLE_DEVICES: ctx.gpus.map((gpu) => gpu.index).join(','),
        CUDA_DEVICE_ORDER: 'PCI_BUS_ID',
      },
      extendEnv: false,
      // A session of its own makes the program lead a process group: stopping it stops its children too.
      detached: true,
      reject: false,
      // Stream instead of buffering: a chatty training run would otherwise hit maxBuffer and be killed.
      buffer: false,
      ...(ctx.with.stdin === undefined ? { stdin: 'ignore' as const } : { input: ctx.with.stdin }),
    });
    const stdoutTail = follow(subprocess.stdout, (line) => ctx.log.info(line));
    const stderrTail = follow(subprocess.stderr, (line) => ctx.log.warn(line));
    const result = await runToEnd(ctx, subprocess);
    const tails = { stderrTail: stderrTail.lines(), stdoutTail: stdoutTail.lines() };

    if (ctx.signal.aborted) {
      const details = { ...tails, argv, exitCode: result.exitCode, signal: result.signal, cause: result, cancelled: true };
      throw new CommandFailedError(`was cancelled${describeReason(ctx.signal.reason)}`, details);
    }
    if (result.failed) {
      const details = { ...tails, argv, exitCode: result.exitCode, signal: result.signal, cause: result };
      if (result.signal !== undefined) {
        const hint = result.signal === 'SIGKILL' ? ' (often the out-of-memory killer)' : '';
        throw new CommandFailedError(`was killed by ${result.signal}${hint}`, details);
      }
      if (result.exitCode !== undefined) throw new CommandFailedError(`exited with code ${result.exitCode}`, details);
      if (subprocess.pid === undefined) throw new CommandFailedError(`could not start: ${startHint(file, cwd, result)}`, details);
      throw new CommandFailedError(`failed: ${String(result.originalMessage ?? result.shortMessage)}`, details);
    }

    const artifacts = await findOutputs(ctx, outputs, cwd, argv);
    const valueOutputs = values === undefined ? {} : await readValues(ctx, values, Object.keys(outputs));
    await collectOutputs(ctx, artifacts);
    return { ...valueOutputs, exit_code: 0 };
  },
};

type Subprocess = ReturnType<typeof execa<{ detached: true; reject: false; buffer: false }>>;

/**
 * Waits for the program and for every process it started. On abort (timeout, Ctrl-C, fail-fast) the whole
 * group is stopped: SIGTERM, then SIGKILL after STOP_GRACE_MS. Processes left behind by a program that
 * exited are stopped too, as CI runners do: they would keep its output pipes, and so the step, open.
 */
async function runToEnd(ctx: StepContext<CommandWith>, subprocess: Subprocess): Promise<Awaited<Subprocess>> {
  if (subprocess.pid === undefined) return subprocess;
  const group = new ProcessGroup(subprocess.pid);
  const onAbort = (): void => void group.stop(STOP_GRACE_MS);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let leftovers: Promise<void> = Promise.resolve();
  subprocess.once('exit', () => {
    leftovers = group.alive().then((alive) => {
      if (!alive || ctx.signal.aborted) return undefined;
      ctx.log.warn(`the program exited but left processes of its group (${group.id}) running; stopping them`);
      return group.stop(STOP_GRACE_MS);
    });
  });
  try {
    const result = await subprocess;
    await leftovers;
    if (ctx.signal.aborted) await group.stop(STOP_GRACE_MS);
    return result;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    group.release();
  }
}

/** Forwards a stream's lines as they arrive and remembers the last few. */
function follow(stream: Readable | null, onLine: (line: string) => void): TailLines {
  const tail = new TailLines(STDERR_TAIL_LINES);
  if (stream === null) return tail;
  const decoder = new StringDecoder('utf8');
  const splitter = new LineSplitter((line) => {
    tail.push(line);
    onLine(line);
  });
  stream.on('data', (chunk: Buffer | string) => splitter.push(typeof chunk === 'string' ? chunk : decoder.write(chunk)));
  stream.on('end', () => {
    splitter.push(decoder.end());
    splitter.end();
  });
  return tail;
}

function describeReason(reason: unknown): string {
  const text = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : '';
  return text === '' ? '' : ` (${text})`;
}

function startHint(file: string, cwd: string, result: { code?: unknown; originalMessage?: unknown }): string {
  const code = typeof result.code === 'string' ? result.code : 'error';
  const detail = `${code} (${String(result.originalMessage ?? '')})`;
  if (code === 'ENOENT') {
    return file.includes('/') || file.includes('\\')
      ? `${detail}: ${resolve(cwd, file)} does not exist`
      : `${detail}: is the program installed and on PATH?`;
  }
  if (code === 'EACCES') return `${detail}: is the file executable, or should \`run\` start with its interpreter?`;
  return detail;
}

/** Resolves declared output files and fails with everything needed to fix a wrong path. */
async function findOutputs(
  ctx: StepContext<CommandWith>,
  outputs: Readonly<Record<string, string>>,
  cwd: string,
  argv: readonly string[],
): Promise<Array<[name: string, path: string]>> {
  const resolved = Object.entries(outputs).map(([name, path]): [string, string] => [name, resolve(ctx.workdir, path)]);
  const problems: string[] = [];
  for (const [name, path] of resolved) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) continue;
    if (info) {
      problems.push(`  ${name}: ${path} is a directory, not a file (archive it first)`);
      continue;
    }
    const link = await readlink(path).catch(() => undefined);
    if (link !== undefined) {
      problems.push(`  ${name}: ${path} is a symbolic link to ${link}, which does not exist (a relative link is resolved from the link's own folder)`);
      continue;
    }
    const relativePath = outputs[name] ?? '';
    const strayCopy = isAbsolute(relativePath) ? undefined : resolve(cwd, relativePath);
    const found = strayCopy !== undefined && strayCopy !== path && (await stat(strayCopy).catch(() => undefined))?.isFile();
    problems.push(`  ${name}: ${path} is missing${found ? ` (but ${strayCopy} exists: relative outputs are read from $VERIFLOW_WORKDIR, not cwd)` : ''}`);
  }
  if (problems.length > 0) {
    const { files, truncated } = await listFiles(ctx.workdir);
    const listing = files.length === 0 ? '  (empty)' : files.map((f) => `  ${f}`).join('\n') + (truncated ? '\n  …' : '');
    throw new Error(
      `command ${quoteCommand(argv)} succeeded but ${problems.length} declared output(s) are not files:\n` +
        `${problems.join('\n')}\nFiles in the work dir ${ctx.workdir}:\n${listing}`,
    );
  }
  return resolved;
}

/**
 * Moves scratch files into place; copies files the step does not own (outside the work dir, or declared
 * twice). A symbolic link is followed to its file (as DVC and Snakemake hash what a link points to): moving
 * the link itself would break a relative one and leave the store pointing outside the workspace.
 */
async function collectOutputs(ctx: StepContext<CommandWith>, artifacts: Array<[string, string]>): Promise<void> {
  const workdir = await realpath(ctx.workdir);
  const files = await Promise.all(artifacts.map(async ([name, path]): Promise<[string, string]> => [name, await realpath(path)]));
  const uses = new Map<string, number>();
  for (const [, file] of files) uses.set(file, (uses.get(file) ?? 0) + 1);
  for (const [name, file] of files) {
    const target = ctx.outputPath(name);
    await mkdir(dirname(target), { recursive: true });
    if (isInside(workdir, file) && uses.get(file) === 1) await moveFile(file, target);
    else await copyFile(file, target);
  }
}

async function readValues(ctx: StepContext<CommandWith>, valuesPath: string, artifactNames: readonly string[]): Promise<Record<string, unknown>> {
  const path = resolve(ctx.workdir, valuesPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`command: the values file ${path} was not written (\`values\` is resolved against $VERIFLOW_WORKDIR)`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`command: the values file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`command: the values file ${path} must hold a JSON object whose keys become outputs`);
  }
  const clashes = Object.keys(parsed).filter((key) => key === EXIT_CODE || artifactNames.includes(key));
  if (clashes.length > 0) {
    throw new Error(`command: the values file ${path} reuses output name(s) ${clashes.join(', ')}; rename them`);
  }
  return parsed as Record<string, unknown>;
}
