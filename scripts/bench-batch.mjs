#!/usr/bin/env node
// composemod batch benchmark: `npm run bench:batch` (also run by `npm run bench`). Prints
// figures; asserts nothing. Needs the build (dist/) and ../shared/corpus.
//
// Builds synthetic fleets of git work trees from the corpus in a temp dir outside the project
// (one template repository per corpus pair or single file, committed, then copied round-robin),
// of 1,000 and 10,000 repositories (BENCH_BATCH_SIZES=1000,10000), and measures
//   - `composemod batch <fleet> --run fix --check --report <file> --jobs N`: repositories/s
//     (wall time of the whole command, start-up included) and the CPU time of the command and
//     all its processes (workers, git), as bash's `time` reports them;
//   - peak RSS of the whole batch: the command and every process under it, summed, sampled
//     from /proc every 50 ms, and the peaks of the first fifth and the last tenth of the run
//     (flat = about equal);
//   - the same repositories run in-process, one after the other, by one node process through
//     the same per-repository function (runRepository): the batch's overhead per repository is
//     (batch --jobs 1 - in-process) / repositories, in wall and in CPU time.
// --jobs 1, --jobs 2 and in-process run at the first size; at larger sizes --jobs 2 only
// (BENCH_BATCH_FULL=1: all three at every size). On a loaded machine wall times are noisy;
// CPU times are not: the load average is printed with each figure.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(root, '..', 'shared', 'corpus');
const bin = path.join(root, 'bin', 'composemod.js');
const SIZES = (process.env.BENCH_BATCH_SIZES ?? '1000,10000').split(',').map(Number).filter((n) => n > 0);
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

if (!existsSync(corpus)) {
  console.log(`bench:batch: skipped, ${corpus} is absent (it lives in ../shared beside the project).`);
  process.exit(0);
}
if (!existsSync(path.join(root, 'dist', 'batch', 'worker.js'))) {
  console.log('bench:batch: build first (npm run build).');
  process.exit(1);
}

const { runRepository } = await import(path.join(root, 'dist/batch/repository.js'));
const { listRepositories } = await import(path.join(root, 'dist/batch/repos.js'));

// `bench-batch.mjs --in-process <fleet>`: the baseline, every repository in this one process
if (process.argv[2] === '--in-process') {
  const fleet = process.argv[3];
  const settings = { run: 'fix', commandOptions: {}, root: fleet, dryRun: false, check: true, color: false };
  for (const job of await listRepositories(fleet)) await runRepository(job, settings);
  process.exit(0);
}

const git = (cwd, args) => execFileSync('git', args, { cwd, env: GIT_ENV, stdio: 'pipe' });

/** One template repository per corpus pair (paths restored from `a__b__c.yml`) and per single file. */
function buildTemplates(dir) {
  const templates = [];
  const make = (name, files) => {
    const t = path.join(dir, name);
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(t, rel)), { recursive: true });
      writeFileSync(path.join(t, rel), text);
    }
    git(t, ['-c', 'init.templateDir=', 'init', '-q', '-b', 'main']);
    git(t, ['add', '-A']);
    git(t, ['commit', '-q', '-m', 'initial']);
    templates.push(t);
  };
  const pairs = path.join(corpus, 'pairs');
  for (const p of readdirSync(pairs).filter((d) => statSync(path.join(pairs, d)).isDirectory())) {
    const files = {};
    for (const f of readdirSync(path.join(pairs, p)).filter((f) => /\.ya?ml$/.test(f)))
      files[f.split('__').map((s) => s.replace(/^_/, '.')).join('/')] = readFileSync(path.join(pairs, p, f), 'utf8');
    make(`pair-${p}`, files);
  }
  const singles = path.join(corpus, 'single');
  for (const f of readdirSync(singles).filter((f) => /\.ya?ml$/.test(f)))
    make(`single-${f.slice(0, 3)}`, { 'compose.yaml': readFileSync(path.join(singles, f), 'utf8') });
  return templates;
}

function buildFleet(dir, templates, n) {
  mkdirSync(dir, { recursive: true });
  const width = String(n - 1).length;
  for (let i = 0; i < n; i++) {
    const t = templates[i % templates.length];
    cpSync(t, path.join(dir, `r${String(i).padStart(width, '0')}-${path.basename(t)}`), { recursive: true });
  }
}

/** RSS (bytes) of a process and (unless `deep` is false) all its descendants, from /proc. */
function treeRss(pid, deep = true) {
  const children = new Map();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(p));
    } catch {
      /* gone */
    }
  }
  let total = 0;
  let procs = 0;
  const visit = (p) => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) {
        total += Number(m[1]) * 1024;
        procs++;
      }
    } catch {
      /* gone */
    }
    if (deep) for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return { total, procs };
}

/**
 * Runs `node args` under bash's `time` (real, user and sys of the whole process tree, every
 * child reaped), sampling the RSS of the tree under bash. Resolves with the times, the RSS
 * figures and stdout.
 */
function timed(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', 'TIMEFORMAT="%R %U %S"; time "$@" 2>/dev/null', 'bash', process.execPath, ...args], {
      env: GIT_ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    let peak = 0;
    let peakProcs = 0;
    const samples = [];
    const timer = setInterval(() => {
      const { total, procs } = treeRss(child.pid);
      const own = treeRss(child.pid, false).total; // bash itself is not the batch
      if (total - own > peak) {
        peak = total - own;
        peakProcs = procs - 1;
      }
      samples.push(total - own);
    }, 50);
    child.on('error', reject);
    child.on('close', () => {
      clearInterval(timer);
      const [real, user, sys] = err.trim().split('\n').pop().split(' ').map(Number);
      const tenth = Math.max(1, Math.floor(samples.length / 10));
      resolve({
        real,
        cpu: user + sys,
        peak,
        peakProcs,
        early: Math.max(...samples.slice(0, tenth * 2)),
        late: Math.max(...samples.slice(-tenth)),
        out,
      });
    });
  });
}

const batchRun = (fleet, jobs, report) =>
  timed([bin, 'batch', fleet, '--run', 'fix', '--check', '--jobs', String(jobs), '--report', report, '--json']);

const inProcess = (fleet) => timed([fileURLToPath(import.meta.url), '--in-process', fleet]);

const mb = (b) => `${(b / 2 ** 20).toFixed(0)} MB`;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'composemod-bench-batch-'));
try {
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, load ${os.loadavg()[0].toFixed(1)}`);
  let t = performance.now();
  const templates = buildTemplates(path.join(tmp, 'templates'));
  console.log(`templates: ${templates.length} git repositories from the corpus (${((performance.now() - t) / 1000).toFixed(0)} s)`);
  console.log('command: composemod batch <fleet> --run fix --check --report <file> --jobs N (every offline fix, nothing written)');
  const load = () => `load ${os.loadavg()[0].toFixed(1)}`;
  for (const [i, n] of SIZES.entries()) {
    const full = i === 0 || process.env.BENCH_BATCH_FULL === '1';
    const fleet = path.join(tmp, `fleet-${n}`);
    t = performance.now();
    buildFleet(fleet, templates, n);
    console.log(`\n${n} repositories (built in ${((performance.now() - t) / 1000).toFixed(0)} s)`);
    const runs = {};
    for (const jobs of full ? [1, 2] : [2]) {
      const r = await batchRun(fleet, jobs, path.join(tmp, `report-${n}-${jobs}.jsonl`));
      runs[jobs] = r;
      const st = JSON.parse(r.out).statuses;
      console.log(
        `  --jobs ${jobs}: ${(n / r.real).toFixed(1).padStart(6)} repositories/s (${r.real.toFixed(1)} s wall, ${r.cpu.toFixed(1)} s CPU, ${load()})  ` +
          `peak RSS ${mb(r.peak)} over ${r.peakProcs} processes (first fifth ${mb(r.early)}, last tenth ${mb(r.late)})  ` +
          `[${Object.entries(st).filter(([, c]) => c).map(([s, c]) => `${c} ${s}`).join(', ')}]`,
      );
    }
    if (full) {
      const base = await inProcess(fleet);
      const per = (x) => ((x / n) * 1000).toFixed(2);
      console.log(
        `  in-process: ${(n / base.real).toFixed(1).padStart(6)} repositories/s (${base.real.toFixed(1)} s wall, ${base.cpu.toFixed(1)} s CPU, ${load()})  peak RSS ${mb(base.peak)}`,
      );
      console.log(
        `  overhead of batch --jobs 1 over in-process, per repository (start-up included): ` +
          `${per(runs[1].real - base.real)} ms wall, ${per(runs[1].cpu - base.cpu)} ms CPU`,
      );
    }
    rmSync(fleet, { recursive: true, force: true });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
