import { parseArgs } from 'node:util';
import { durationToMs } from '@veriflow/workflow';
import { UsageError } from './usage-error.js';

export interface CommonArgs {
  readonly file: string;
  readonly sets: string[];
  /** `--preset NAME`: params are the workflow's defaults, then this preset, then `sets`. */
  readonly preset: string | undefined;
  readonly workspace: string;
  readonly json: boolean;
  /** `--strict`: what would be a warning (an include key that is not a matrix axis) is an error. */
  readonly strict: boolean;
}

export interface RunArgs extends CommonArgs {
  readonly jobs: number | undefined;
  readonly cpus: number | undefined;
  readonly gpus: number | undefined;
  readonly keepGoing: boolean;
  readonly force: 'all' | Set<string> | undefined;
  readonly only: string[] | undefined;
  readonly dryRun: boolean;
  readonly verbose: boolean;
  readonly format: string;
  /** MLflow tracking server for this invocation (else MLFLOW_TRACKING_URI, else the workflow's tracking.uri). */
  readonly trackingUri: string | undefined;
  /** MLflow experiment (else the workflow's tracking.experiment, else its name). */
  readonly experiment: string | undefined;
  /** Every positional argument: subcommands and run selections for `runs` and `compare`. */
  readonly positionals: string[];
  readonly csv: string | undefined;
  readonly figure: string | undefined;
  readonly metric: string | undefined;
  readonly x: string | undefined;
  /** `verify --repair`: remove what is corrupt. */
  readonly repair: boolean;
  /** `--lock-timeout` (else VERIFLOW_LOCK_TIMEOUT): when a lock from another host with a silent heartbeat is taken over. */
  readonly lockTimeoutMs: number | undefined;
  /** `--no-expect-fail`: report failed expectations without exiting 3. */
  readonly expectFail: boolean;
  /** `--junit FILE` (check): JUnit XML with one test case per expectation. */
  readonly junit: string | undefined;
  /** `-o FILE` (report): where to write the HTML report. */
  readonly output: string | undefined;
  /** `run --wide`: the end of the run lists every instance with every column instead of a compact table per step. */
  readonly wide: boolean;
  /** `runs show --all`: every instance with every column. */
  readonly all: boolean;
  /** `check --against RUN|FILE`: the baseline whose numbers this run's are compared with. */
  readonly against: string | undefined;
  /** `check --rel-tol`, `--abs-tol`: how far a number may move before it counts (undefined: the defaults). */
  readonly relTol: number | undefined;
  readonly absTol: number | undefined;
  /** `--executor local|slurm` (else the workflow's executor.kind, else local). */
  readonly executor: 'local' | 'slurm' | undefined;
}

const OPTIONS = {
  set: { type: 'string', multiple: true, short: 's' },
  // Collected as a list only to refuse a second one: parseArgs would keep the last silently.
  preset: { type: 'string', multiple: true },
  workspace: { type: 'string', short: 'w' },
  jobs: { type: 'string', short: 'j' },
  cpus: { type: 'string' },
  gpus: { type: 'string' },
  'keep-going': { type: 'boolean', short: 'k' },
  force: { type: 'string', multiple: true },
  only: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean', short: 'n' },
  verbose: { type: 'boolean', short: 'v' },
  json: { type: 'boolean' },
  strict: { type: 'boolean' },
  'tracking-uri': { type: 'string' },
  experiment: { type: 'string' },
  format: { type: 'string', short: 'f' },
  csv: { type: 'string' },
  figure: { type: 'string' },
  metric: { type: 'string' },
  x: { type: 'string' },
  repair: { type: 'boolean' },
  'lock-timeout': { type: 'string' },
  'no-expect-fail': { type: 'boolean' },
  junit: { type: 'string' },
  output: { type: 'string', short: 'o' },
  wide: { type: 'boolean' },
  all: { type: 'boolean' },
  against: { type: 'string' },
  'rel-tol': { type: 'string' },
  'abs-tol': { type: 'string' },
  executor: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `--force` alone means every step; `--force train` (a word that is not the workflow file) names one. */
function normaliseForce(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    const next = argv[index + 1];
    if (arg === '--force') {
      if (next !== undefined && !next.startsWith('-') && !/\.ya?ml$/.test(next)) {
        out.push(`--force=${next}`);
        index++;
      } else out.push('--force=*');
    } else out.push(arg);
  }
  return out;
}

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < (name === '--gpus' ? 0 : 1)) throw new UsageError(`${name} needs a whole number${name === '--gpus' ? '' : ' of at least 1'}, got "${value}"`);
  return number;
}

function tolerance(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) throw new UsageError(`${name} needs a number of at least 0 (e.g. ${name} 0.01), got "${value}"`);
  return number;
}

function lockTimeoutMs(option: string | undefined): number | undefined {
  const [source, value] = option !== undefined ? ['--lock-timeout', option] : ['VERIFLOW_LOCK_TIMEOUT', process.env.VERIFLOW_LOCK_TIMEOUT];
  if (value === undefined || value === '') return undefined;
  try {
    return durationToMs(/^[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) : value);
  } catch (error) {
    throw new UsageError(`${source}: ${(error as Error).message}`);
  }
}

function executorKind(value: string | undefined): 'local' | 'slurm' | undefined {
  if (value === undefined || value === 'local' || value === 'slurm') return value;
  throw new UsageError(`--executor must be local or slurm, got "${value}"`);
}

/** `manyPositionals`: for commands that take several words (`runs show ID`, `compare A B`) instead of one workflow file. */
export function parseCommandArgs(argv: readonly string[], options: { manyPositionals?: boolean } = {}): RunArgs & { help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args: normaliseForce(argv), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1 && !options.manyPositionals) throw new UsageError(`expected one workflow file, got ${positionals.map((p) => `"${p}"`).join(', ')}`);
  const presets = values.preset ?? [];
  if (presets.length > 1) throw new UsageError(`--preset can be given once, got ${presets.map((p) => `"${p}"`).join(', ')}; put further changes in --set NAME=VALUE`);
  const forces = values.force ?? [];
  // Commas inside an instance name's brackets (`--only 'grid[a=1,b=2]'`) do not separate names.
  const split = (list: readonly string[] | undefined): string[] | undefined => list?.flatMap((item) => item.split(/,(?![^[]*\])/)).filter(Boolean);
  return {
    help: values.help ?? false,
    file: positionals[0] ?? '',
    sets: values.set ?? [],
    preset: presets[0],
    workspace: values.workspace ?? process.cwd(),
    json: values.json ?? false,
    strict: values.strict ?? false,
    jobs: positiveInteger('--jobs', values.jobs),
    cpus: positiveInteger('--cpus', values.cpus),
    gpus: positiveInteger('--gpus', values.gpus),
    keepGoing: values['keep-going'] ?? false,
    force: forces.length === 0 ? undefined : forces.includes('*') ? 'all' : new Set(split(forces)),
    only: split(values.only),
    dryRun: values['dry-run'] ?? false,
    verbose: values.verbose ?? false,
    trackingUri: values['tracking-uri'],
    experiment: values.experiment,
    format: values.format ?? 'text',
    positionals,
    csv: values.csv,
    figure: values.figure,
    metric: values.metric,
    x: values.x,
    repair: values.repair ?? false,
    lockTimeoutMs: lockTimeoutMs(values['lock-timeout']),
    expectFail: !(values['no-expect-fail'] ?? false),
    junit: values.junit,
    output: values.output,
    wide: values.wide ?? false,
    all: values.all ?? false,
    against: values.against,
    relTol: tolerance('--rel-tol', values['rel-tol']),
    absTol: tolerance('--abs-tol', values['abs-tol']),
    executor: executorKind(values.executor),
  };
}
