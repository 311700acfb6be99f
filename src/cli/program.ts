import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { processIo, reportError, type Io } from './output.js';
import type { TransformMeta } from '../transforms/types.js';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Builds the commander program. Every command's action imports its module lazily, so the
 * start-up path loads commander and nothing else.
 */
export function buildProgram(io: Io, setExit: (code: number) => void, fixes: readonly TransformMeta[] = []): Command {
  const program = new Command('composemod')
    .description(
      'Codemods for Docker Compose: extract one shared base from duplicated per-environment files,\n' +
        'apply selectable fixes, and review every change as a unified diff.',
    )
    .version(pkg.version, '-V, --version')
    .option('--no-color', 'never colour the output (also: NO_COLOR=1)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('config')
    .description(
      'print the merged model of one or more compose files in the normal form, like\n' +
        '`docker compose config --no-interpolate`, offline and without a Docker engine',
    )
    .requiredOption('-f, --file <file>', 'compose file; repeat for overrides, in the order Compose gets them', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .addHelpText(
      'after',
      '\nExamples:\n  composemod config -f compose.yaml -f compose.prod.yaml\n  composemod config -f docker-compose.yml --format json\n\nExit codes: 0 ok, 2 invalid input or a merge error Compose v2 would raise.',
    )
    .action(async (opts: { file: string[]; format: 'yaml' | 'json' }) => {
      const { configCommand } = await import('./commands/config.js');
      setExit(await configCommand(io, opts));
    });

  program
    .command('extract')
    .description(
      'turn duplicated per-environment compose files into one shared base plus one small override\n' +
        'per environment, verified equivalent for every environment before anything is written',
    )
    .argument('[dir]', 'directory holding the compose files', '.')
    .option('--env <NAME=FILE[,FILE...]>', 'name an environment and its files explicitly, relative to dir (repeat for each)', collect)
    .addOption(
      new Option('--layout <layout>', 'override: dev stays on plain `docker compose up`; per-env: base + one file per env').choices([
        'override',
        'per-env',
      ]),
    )
    .option('--base <file>', 'name of the shared base file to write')
    .option('--allow-reset', 'use !reset / !override (Compose >= 2.24.4) where that makes overrides smaller')
    .option('--dry-run', 'print the diff of what would be written, write nothing')
    .option('--check', 'write nothing; exit 1 if a migration is possible (for CI)')
    .option('--json', 'print a machine-readable report')
    .addHelpText(
      'after',
      '\nExamples:\n  composemod extract --dry-run\n  composemod extract ./deploy --env dev=docker-compose.yml --env prod=docker-compose.prod.yml\n\nExit codes: 0 done (or nothing to do), 1 --check found a migration, 2 invalid input or verification failed (nothing written).',
    )
    .action(async (dir: string, opts: Record<string, unknown>, cmd: Command) => {
      const { extractCommand } = await import('./commands/extract.js');
      setExit(await extractCommand(io, { dir, ...opts, color: cmd.optsWithGlobals().color as boolean }));
    });

  const fix = program
    .command('fix')
    .description('apply selectable fixes to compose files (see `composemod list`); every fix edits by range and is idempotent')
    .argument('[paths...]', 'compose files or directories (default: .)')
    .option('--only <fixes>', 'run only these fixes (comma-separated; network fixes must be named here)')
    .option('--skip <fixes>', 'skip these fixes (comma-separated)')
    .option('--env <NAME=FILE[,FILE...]>', 'an environment as the ordered files Compose gets with -f, relative to the first path (repeat)', collect)
    .option('--dry-run', 'print the diff of what would change, write nothing')
    .option('--check', 'write nothing; exit 1 if any fix would change something (for CI)')
    .option('--json', 'print a machine-readable report (secret values masked)');
  addFixOptions(fix, fixes);
  fix
    .addHelpText(
      'after',
      '\nExamples:\n  composemod fix --dry-run\n  composemod fix --only pin-images --registry-lookup --digest\n  composemod fix --check .   # in CI\n\nExit codes: 0 done (or nothing to do), 1 --check found changes, 2 invalid input (nothing written).',
    )
    .action(async (paths: string[], opts: Record<string, unknown>, cmd: Command) => {
      const { fixCommand } = await import('./commands/fix.js');
      setExit(await fixCommand(io, paths, { ...opts, color: cmd.optsWithGlobals().color as boolean }));
    });

  const batch = program
    .command('batch')
    .description('run extract, fix or check in every compose project of many repositories (parallel, resumable, sharded)')
    .argument('[root]', 'directory whose subdirectories are git work trees (or one work tree)', '.')
    .addOption(new Option('--run <command>', 'the command to run in each repository').choices(['extract', 'fix', 'check']).makeOptionMandatory())
    .option('--repos <file>', 'run these repositories instead: one path a line, relative to root')
    .option('--jobs <n>', 'repositories in parallel, one worker process each (default: number of CPUs)')
    .option('--shard <i/n>', 'run only shard i of n (0-based; a stable hash of each repository path)')
    .option('--report <file.jsonl>', 'write one JSON line per repository as it finishes')
    .option('--resume <file.jsonl>', 'skip repositories already in this report (and append to it unless --report names another)')
    .option('--patches <dir>', 'write one git-apply-able patch per changed repository into dir instead of changing it')
    .option('--commit', 'commit the changes on a new branch in each changed repository (never pushes)')
    .option('--branch <name>', 'with --commit: the branch to create from HEAD')
    .option('--message <text>', 'with --commit: the commit subject (the body lists what changed and why)')
    .option('--allow-dirty', 'with --commit: run in work trees with uncommitted changes (files composemod changes must be clean)')
    .option('--dry-run', 'write nothing; print each changed repository\'s diff (secret values masked)')
    .option('--check', 'write nothing; exit 1 if any repository would change or has findings')
    .option('--fail-fast', 'stop starting repositories after the first error')
    .option('--timeout <seconds>', 'per repository; a repository that takes longer is stopped and reported', '300')
    .option('--json', 'print the summary as JSON on stdout (diffs are left out)')
    .option('--layout <layout>', '[extract] override or per-env')
    .option('--base <file>', '[extract] name of the shared base file, relative to each project')
    .option('--allow-reset', '[extract, container-name-replicas] may use !reset / !override (Compose >= 2.24.4)')
    .option('--only <fixes>', '[fix, check] run only these fixes (comma-separated)')
    .option('--skip <fixes>', '[fix, check] skip these fixes (comma-separated)');
  addFixOptions(batch, fixes);
  batch
    .addHelpText(
      'after',
      [
        '',
        'Each repository runs isolated in a worker process: an error, a bad file, a crash or a timeout',
        'is that repository\'s result and the batch goes on. Projects are the directories, at any depth,',
        'holding compose files (.git, node_modules, vendored and gitignored paths skipped).',
        'Statuses: changed, unchanged, findings, refused (composemod declined: an ambiguous layout, a',
        'migration that does not verify, a dirty work tree with --commit), error.',
        '',
        'Examples:',
        '  composemod batch ~/src --run fix --dry-run',
        '  composemod batch ~/src --run extract --patches out/patches --report out/report.jsonl',
        '  composemod batch ~/src --run fix --only add-volumes --commit --branch composemod/add-volumes',
        '  composemod batch /repos --run check --shard 3/8 --report report-3.jsonl   # one of 8 machines',
        '  composemod batch ~/src --run fix --resume report.jsonl                  # continue a run',
        '',
        'Exit codes: 0 nothing to change, 1 something to change or findings (with --check or',
        '--run check), 2 if any repository errored (the others still ran) or invalid usage.',
      ].join('\n'),
    )
    .action(async (root: string, opts: Record<string, unknown>, cmd: Command) => {
      const { batchCommand } = await import('./commands/batch.js');
      setExit(await batchCommand(io, { root, ...opts, color: cmd.optsWithGlobals().color as boolean }));
    });

  program
    .command('list')
    .description('list every fix with a one-line description, its options and whether it needs the network')
    .option('--json', 'machine-readable')
    .action(async (opts: { json?: boolean }) => {
      const { listCommand } = await import('./commands/list.js');
      setExit(listCommand(io, opts));
    });

  return program;
}

/** Each fix's own options become flags (`[fix] description`). */
function addFixOptions(cmd: Command, fixes: readonly TransformMeta[]): void {
  for (const meta of fixes) {
    for (const o of meta.options) {
      const kebab = o.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      if (cmd.options.some((x) => x.long === `--${kebab}`)) continue; // batch: already there (extract's --allow-reset)
      const flag = o.type === 'boolean' ? `--${kebab}` : `--${kebab} <${o.placeholder ?? 'value'}>`;
      const opt = new Option(flag, `[${meta.name}] ${o.description}`);
      if (o.type === 'list') opt.argParser(collect);
      cmd.addOption(opt);
    }
  }
}

/** Fix metadata is needed only to build the `fix` and `batch` options; loading it costs the transforms. */
async function fixMetas(argv: string[]): Promise<TransformMeta[]> {
  const words = argv.filter((a) => !a.startsWith('-'));
  if (!words.some((w) => w === 'fix' || w === 'batch' || w === 'help')) return [];
  const { transforms } = await import('../transforms/index.js');
  return transforms.map((t) => t.meta);
}

/** Runs the CLI with the given arguments (without `node` and the script); returns the exit code. */
export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  let code = 0;
  try {
    const program = buildProgram(
      io,
      (c) => {
        code = c;
      },
      await fixMetas(argv),
    );
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; usage errors were already printed by commander
      return e.exitCode === 0 ? 0 : 2;
    }
    return reportError(io, e);
  }
}
