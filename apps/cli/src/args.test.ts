import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandArgs } from './args.js';
import { UsageError } from './usage-error.js';

const parse = (...argv: string[]) => parseCommandArgs(argv);
const usageError = (argv: string[], message: string | RegExp): void => {
  assert.throws(() => parseCommandArgs(argv), (error: unknown) => {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
};

describe('parseCommandArgs', () => {
  it('has defaults for everything but the file', () => {
    const args = parse('wf.yaml');
    assert.deepEqual(args, {
      help: false,
      file: 'wf.yaml',
      sets: [],
      preset: undefined,
      workspace: process.cwd(),
      json: false,
      strict: false,
      jobs: undefined,
      cpus: undefined,
      gpus: undefined,
      keepGoing: false,
      force: undefined,
      only: undefined,
      dryRun: false,
      verbose: false,
      format: 'text',
      positionals: ['wf.yaml'],
      csv: undefined,
      figure: undefined,
      metric: undefined,
      x: undefined,
      repair: false,
      trackingUri: undefined,
      experiment: undefined,
      lockTimeoutMs: undefined,
      expectFail: true,
      junit: undefined,
      output: undefined,
      wide: false,
      all: false,
      against: undefined,
      relTol: undefined,
      absTol: undefined,
      executor: undefined,
    });
    assert.equal(parse().file, '');
    assert.equal(parse('--no-expect-fail', 'wf.yaml').expectFail, false);
    assert.equal(parse('--junit', 'out.xml', 'wf.yaml').junit, 'out.xml');
    assert.equal(parse('--wide', 'wf.yaml').wide, true);
    assert.equal(parseCommandArgs(['show', '2026', '--all'], { manyPositionals: true }).all, true);
  });

  it('reads check tolerances as non-negative numbers', () => {
    const args = parse('--against', 'base.json', '--rel-tol', '0.01', '--abs-tol', '0', 'results.json');
    assert.deepEqual([args.against, args.relTol, args.absTol], ['base.json', 0.01, 0]);
    usageError(['--rel-tol=-1', 'r.json'], '--rel-tol needs a number of at least 0 (e.g. --rel-tol 0.01), got "-1"');
    usageError(['--abs-tol', 'tiny', 'r.json'], /--abs-tol needs a number of at least 0/);
  });

  it('takes --executor local or slurm and refuses anything else', () => {
    assert.equal(parse('wf.yaml', '--executor', 'slurm').executor, 'slurm');
    assert.equal(parse('wf.yaml', '--executor', 'local').executor, 'local');
    usageError(['wf.yaml', '--executor', 'kubernetes'], '--executor must be local or slurm, got "kubernetes"');
  });

  it('reads long and short options', () => {
    const args = parse('-s', 'n=1', '--set', 'lr=0.1', '-w', '/tmp/ws', '-j', '3', '--cpus', '8', '--gpus', '0', '-k', '-n', '-v', '--json', '-f', 'dot', 'wf.yaml');
    assert.deepEqual(args.sets, ['n=1', 'lr=0.1']);
    assert.equal(args.workspace, '/tmp/ws');
    assert.equal(args.jobs, 3);
    assert.equal(args.cpus, 8);
    assert.equal(args.gpus, 0);
    assert.equal(args.keepGoing, true);
    assert.equal(args.dryRun, true);
    assert.equal(args.verbose, true);
    assert.equal(args.json, true);
    assert.equal(args.format, 'dot');
    assert.equal(args.file, 'wf.yaml');
    assert.equal(parse('-h').help, true);
  });

  describe('--force', () => {
    it('alone means every step', () => {
      assert.equal(parse('wf.yaml', '--force').force, 'all');
      assert.equal(parse('--force', '-k', 'wf.yaml').force, 'all');
    });

    it('followed by a word names a step', () => {
      const args = parse('--force', 'train', 'wf.yaml');
      assert.deepEqual(args.force, new Set(['train']));
      assert.equal(args.file, 'wf.yaml');
    });

    it('followed by the workflow file is not a step', () => {
      for (const file of ['wf.yaml', 'dir/other.yml']) {
        const args = parse('--force', file);
        assert.equal(args.force, 'all');
        assert.equal(args.file, file);
      }
    });

    it('collects repeated and comma-separated steps', () => {
      assert.deepEqual(parse('--force', 'a,b', '--force', 'c', '--force=d', 'wf.yaml').force, new Set(['a', 'b', 'c', 'd']));
    });

    it('a bare --force anywhere wins over named steps', () => {
      assert.equal(parse('--force', 'train', '--force', 'wf.yaml').force, 'all');
    });
  });

  it('--preset takes one name, and refuses a second', () => {
    assert.equal(parse('wf.yaml', '--preset', 'cpu').preset, 'cpu');
    assert.equal(parse('--preset=gpu', 'wf.yaml', '--set', 'n=1').preset, 'gpu');
    usageError(['wf.yaml', '--preset', 'cpu', '--preset', 'gpu'], '--preset can be given once, got "cpu", "gpu"; put further changes in --set NAME=VALUE');
    usageError(['wf.yaml', '--preset'], /--preset/);
  });

  it('--only collects repeated and comma-separated steps, dropping empty names', () => {
    assert.deepEqual(parse('--only', 'a,b', '--only', 'c', 'wf.yaml').only, ['a', 'b', 'c']);
    assert.deepEqual(parse('--only', 'a,,b,', 'wf.yaml').only, ['a', 'b']);
  });

  it('--only keeps the commas inside an instance name whole', () => {
    assert.deepEqual(parse('--only', 'grid[a=1,b=2],collect', 'wf.yaml').only, ['grid[a=1,b=2]', 'collect']);
  });

  it('refuses counts that are not whole numbers in range', () => {
    usageError(['--jobs', '0', 'wf.yaml'], '--jobs needs a whole number of at least 1, got "0"');
    usageError(['--jobs', '1.5', 'wf.yaml'], '--jobs needs a whole number of at least 1, got "1.5"');
    usageError(['--jobs', 'many', 'wf.yaml'], '--jobs needs a whole number of at least 1, got "many"');
    usageError(['--cpus', '0', 'wf.yaml'], '--cpus needs a whole number of at least 1, got "0"');
    usageError(['--gpus=-1', 'wf.yaml'], '--gpus needs a whole number, got "-1"');
  });

  it('--lock-timeout takes a duration (a bare number is seconds), else VERIFLOW_LOCK_TIMEOUT', () => {
    assert.equal(parse('--lock-timeout', '90s', 'wf.yaml').lockTimeoutMs, 90_000);
    assert.equal(parse('--lock-timeout', '2', 'wf.yaml').lockTimeoutMs, 2000);
    assert.equal(parse('--lock-timeout', '0', 'wf.yaml').lockTimeoutMs, 0);
    usageError(['--lock-timeout', 'soon', 'wf.yaml'], '--lock-timeout: "soon" is not a duration; write e.g. 30s, 5m or 1h');
    process.env.VERIFLOW_LOCK_TIMEOUT = '10m';
    try {
      assert.equal(parse('wf.yaml').lockTimeoutMs, 600_000);
      assert.equal(parse('--lock-timeout', '1m', 'wf.yaml').lockTimeoutMs, 60_000, 'the option wins');
      process.env.VERIFLOW_LOCK_TIMEOUT = '-1';
      usageError(['wf.yaml'], 'VERIFLOW_LOCK_TIMEOUT: "-1" is not a duration; write e.g. 30s, 5m or 1h');
    } finally {
      delete process.env.VERIFLOW_LOCK_TIMEOUT;
    }
  });

  it('takes several positionals and the compare options when the command asks for them', () => {
    const args = parseCommandArgs(['show', '2026', '--csv', 'out.csv', '--figure', 'f.svg', '--metric', 'loss', '--x', 'p'], { manyPositionals: true });
    assert.deepEqual(args.positionals, ['show', '2026']);
    assert.deepEqual([args.csv, args.figure, args.metric, args.x], ['out.csv', 'f.svg', 'loss', 'p']);
  });

  it('refuses a second positional and unknown options', () => {
    usageError(['a.yaml', 'b.yaml'], 'expected one workflow file, got "a.yaml", "b.yaml"');
    usageError(['--frobnicate', 'wf.yaml'], /frobnicate/);
    usageError(['wf.yaml', '--jobs'], /--jobs/);
  });
});
