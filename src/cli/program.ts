import { createRequire } from 'node:module';
import { Command, CommanderError, Help, Option } from 'commander';
import { processIo, reportError, type Io } from './output.js';
import type { RuleMeta } from '../rules/types.js';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Help text after the options, wrapped to the help width as commander wraps descriptions. */
function wrapped(text: string): () => string {
  return () => new Help().boxWrap(text, (process.stdout.isTTY && process.stdout.columns) || 80);
}

/**
 * Builds the commander program. Every command's action imports its module lazily, so the
 * start-up path loads commander and nothing else.
 */
export function buildProgram(io: Io, setExit: (code: number) => void, rules: readonly RuleMeta[] = []): Command {
  const program = new Command('composemod')
    .description(
      'Codemods for Docker Compose: extract one shared base from duplicated per-environment files, ' +
        'check every environment with merge-aware rules, apply their fixes, and review every change as a unified diff.',
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
      'print the project exactly as `docker compose config` prints it (Docker Compose 2.40.3), offline and without a Docker engine: merged, interpolated, normalised',
    )
    .option('-f, --file <file>', 'compose file; repeat for overrides, in order (default: COMPOSE_FILE, else compose.yaml and its override)', collect)
    .option('-p, --project-name <name>', 'project name (default: COMPOSE_PROJECT_NAME, `name:`, else the project directory name)')
    .option('--project-directory <dir>', 'project directory (default: the directory of the first file)')
    .option('--env-file <file>', 'environment file for interpolation; repeatable (default: .env of the project directory)', collect)
    .option('--profile <profile>', 'enable a profile; repeatable (default: COMPOSE_PROFILES)', collect)
    .option('--no-interpolate', "don't interpolate variables (prints the merged model, as Compose does)")
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .addOption(new Option('--compose-version <version>', 'behave like this Docker Compose where versions differ').choices(['2.40', '2.26']).default('2.40'))
    .addHelpText(
      'after',
      wrapped(
        '\nThe output is byte-identical to `docker compose config` (same options), so\n  diff <(docker compose config) <(composemod config)\nshows nothing. Warnings (unset variables, obsolete `version`) go to stderr.\n\nExamples:\n  composemod config\n  composemod config -f compose.yaml -f compose.prod.yaml --format json\n  composemod config --env-file .env.prod --profile debug --no-interpolate\n\nExit codes: 0 ok, 2 invalid input or an error Compose would raise (file:line:col: message).',
      ),
    )
    .action(async (opts: { file?: string[]; projectName?: string; projectDirectory?: string; envFile?: string[]; profile?: string[]; interpolate?: boolean; format: 'yaml' | 'json'; composeVersion?: '2.40' | '2.26' }) => {
      const { configCommand } = await import('./commands/config.js');
      setExit(await configCommand(io, opts));
    });

  program
    .command('extract')
    .description(
      'turn duplicated per-environment compose files into one shared base plus one small override ' +
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
    .option('--name <ENV=FILE>', "write an environment's override to FILE, relative to dir (repeat for each)", collect)
    .option(
      '--layer <NAME=ENV,ENV...>',
      'a shared layer <base>.NAME.yml for these environments, loaded between the base and their own file (repeat)',
      collect,
    )
    .option('--no-layers', 'do not look for shared layers (only --layer ones)')
    .option('--no-profiles', 'never keep a service in the base for environments that lack it (disabled there by a profile)')
    .option('--allow-reset', 'use !reset / !override (Compose >= 2.24.4) where that makes overrides smaller')
    .option('--min-saving <percent>', 'extract only when that removes at least this share of the lines (default 5)')
    .option('--no-update-refs', 'leave scripts, Makefiles, CI, docs, .env, devcontainer and JS/TS naming the old file lists as they are')
    .option('--dry-run', 'print the diff of what would be written, write nothing')
    .option('--check', 'write nothing; exit 1 if a migration is possible (for CI)')
    .option('--json', 'print a machine-readable report')
    .addHelpText(
      'after',
      wrapped(
        '\nExamples:\n  composemod extract --dry-run\n  composemod extract deploy --env dev=compose.yml --env prod=compose.prod.yml\n' +
          '  composemod extract --layer deploy=staging,prod --name prod=compose.production.yml\n\n' +
          "The base is cut from whichever environment's file gives the fewest lines in all. A service some " +
          'environments lack can stay in the base, disabled in theirs by `profiles: [disabled]`: `config` and ' +
          '`up` are unchanged, but `docker compose run <service>` (or --profile) can still start it there.\n\n' +
          'Exit codes: 0 done (or nothing to do), 1 --check found a migration, 2 invalid input or verification failed (nothing written).',
      ),
    )
    .action(async (dir: string, opts: Record<string, unknown>, cmd: Command) => {
      const { extractCommand } = await import('./commands/extract.js');
      setExit(await extractCommand(io, { dir, ...opts, color: cmd.optsWithGlobals().color as boolean }));
    });

  /** Every rule option as a flag of `cmd` (rule options are shared by name across rules). */
  const ruleOptions = (cmd: Command, only: (m: RuleMeta) => boolean): void => {
    const seen = new Set<string>();
    for (const meta of rules.filter(only)) {
      for (const o of meta.options) {
        if (seen.has(o.name)) continue;
        seen.add(o.name);
        const kebab = o.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        if (cmd.options.some((x) => x.long === `--${kebab}`)) continue; // batch: already there (extract's --allow-reset)
        const flag = o.type === 'boolean' ? `--${kebab}` : `--${kebab} <${o.placeholder ?? 'value'}>`;
        const opt = new Option(flag, `[${meta.id}] ${o.description}`);
        if (o.type === 'list') opt.argParser(collect);
        cmd.addOption(opt);
      }
    }
  };
  const envOptions = (cmd: Command, verb: string): Command =>
    cmd
      .option(
        '--env <NAME=FILE[,FILE...]>',
        `an environment as the ordered files Compose gets with -f, relative to the first path (repeat); the other environments found in the directory are ${verb} too`,
        collect,
      )
      .option('--env-file <[NAME=]FILE>', 'interpolate from FILE instead of .env (for environment NAME, or all; repeat)', collect)
      .option('--config <file>', 'use this config file (default: composemod.config.{json,yaml,mjs}, .composemodrc[.json|.yaml] or the "composemod" key of package.json, from the project directory up)')
      .addOption(
        new Option('--runtime <runtime>', 'what runs the project (default: podman-compose when its scripts, Makefile or README use it, else docker)').choices([
          'docker',
          'podman-compose',
        ]),
      )
      .option('--compose-version <version>', 'oldest Docker Compose the output must work with (default: the newest); e.g. 2.22.0: no !reset, no environment secrets');

  const checkCmd = program
    .command('check')
    .description(
      'check compose files with every rule (see `composemod list`), merge-aware: every environment of the project is ' +
        'evaluated, and each finding is reported once, at the line of the file that owns it, with the environments it affects',
    )
    .argument('[paths...]', 'compose files or directories (default: .)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif', 'github', 'junit']).default('text'))
    .option('-o, --output <file>', 'write the report to FILE (the summary goes to stderr)')
    .addOption(new Option('--fail-on <severity>', 'the lowest severity that fails the run (exit 1)').choices(['error', 'warning', 'note']).default('warning'))
    .option('--max-warnings <n>', 'also fail when there are more than N warnings')
    .option('--only <rules>', 'run only these rules (comma-separated; network rules must be named here)')
    .option('--skip <rules>', 'skip these rules (comma-separated)');
  envOptions(checkCmd, 'checked');
  ruleOptions(checkCmd, () => true);
  checkCmd
    .addHelpText(
      'after',
      wrapped(
        '\nExamples:\n  composemod check\n  composemod check --format sarif --output composemod.sarif   # GitHub code scanning\n  composemod check --format github --fail-on error             # annotations in a workflow\n  composemod check --env dev=compose.yaml --env prod=compose.yaml,compose.prod.yaml\n\n' +
          'Suppress a finding with a comment in the file that owns it:\n  # composemod-disable-next-line <rule-id> -- reason\n  key: value  # composemod-disable-line <rule-id>\n  # composemod-disable <rule-id>   (the whole file)\n\n' +
          'Exit codes: 0 no finding at or above --fail-on, 1 findings (or more than --max-warnings warnings),\n2 invalid input or config (nothing else run).',
      ),
    )
    .action(async (paths: string[], opts: Record<string, unknown>, cmd: Command) => {
      const { checkCommand } = await import('./commands/check.js');
      setExit(await checkCommand(io, paths, { ...opts, color: cmd.optsWithGlobals().color as boolean }));
    });

  const fix = program
    .command('fix')
    .description(
      'apply the fixes of the rules (see `composemod list`); every fix edits by range, is idempotent, ' +
        'and declares what it changes: every environment of the project is evaluated before and after, and a run ' +
        'that would change anything else a container gets is refused (exit 2, nothing written). A finding silenced ' +
        'by a composemod-disable comment is never fixed',
    )
    .argument('[paths...]', 'compose files or directories (default: .)')
    .option('--only <rules>', 'apply only these rules\' fixes (comma-separated; network and behaviour-changing fixes must be named here)')
    .option('--skip <rules>', 'skip these rules (comma-separated)');
  envOptions(fix, 'fixed and checked');
  fix
    .option('--dry-run', 'print the diff of what would change on stdout (summary on stderr), write nothing')
    .option('--patch <file>', 'write the exact, unmasked patch to FILE (mode 0600) for `git apply`, instead of changing the files')
    .option('--check', 'write nothing; report what the rules with a fix find, like `composemod check`, and exit 1 on findings at or above --fail-on (for CI)')
    .addOption(new Option('--fail-on <severity>', 'with --check: the lowest severity that fails').choices(['error', 'warning', 'note']).default('warning'))
    .option('--allow-dirty', 'write even when git has uncommitted changes to the files to change')
    .option('--json', 'print a machine-readable report (secret values masked)');
  ruleOptions(fix, (m) => !!m.fixable);
  fix
    .addHelpText(
      'after',
      wrapped(
        '\nExamples:\n  composemod fix --dry-run\n  composemod fix --patch fix.patch && git apply fix.patch\n  composemod fix --only pin-images --registry-lookup --digest\n  composemod fix --runtime podman-compose --compose-version 2.22.0\n  composemod fix --check --fail-on error .   # in CI\n\nExit codes: 0 done (or nothing to do), 1 --check found findings at or above --fail-on,\n2 invalid input or config, uncommitted changes, or a change beyond what the fixes declare (nothing written).',
      ),
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
  ruleOptions(batch, () => true);
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
    .command('refs')
    .description('list the places in the repository that name the compose files (scripts, CI, docs, .env, JS/TS…) and the environment each selects')
    .argument('[dir]', 'directory holding the compose files', '.')
    .option('--env <NAME=FILE[,FILE...]>', 'name an environment and its files explicitly, relative to dir (repeat for each)', collect)
    .option('--json', 'machine-readable')
    .action(async (dir: string, opts: { env?: string[]; json?: boolean }) => {
      const { refsCommand } = await import('../refs/command.js');
      setExit(await refsCommand(io, { dir, ...opts }));
    });

  program
    .command('list')
    .description('list every rule: id, description, default severity, whether it has a fix, its options')
    .option('--json', 'machine-readable: id, description, severity, fixable, options, kinds, docs')
    .action(async (opts: { json?: boolean }) => {
      const { listCommand } = await import('./commands/list.js');
      setExit(await listCommand(io, opts));
    });

  return program;
}

/** Rule metadata is needed only to build the rule options of `fix` and `check`; loading it costs the rules. */
async function ruleMetas(argv: string[]): Promise<RuleMeta[]> {
  const words = argv.filter((a) => !a.startsWith('-'));
  if (!words.some((w) => w === 'fix' || w === 'check' || w === 'batch' || w === 'help')) return [];
  const { loadRules } = await import('../rules/index.js');
  return (await loadRules()).map((r) => r.meta);
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
      await ruleMetas(argv),
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
