#!/usr/bin/env node
// composemod benchmark: `npm run bench` (builds first). Prints figures; asserts nothing.
//
// Over every compose file of ../shared/corpus (single files and pairs) it measures, in one process:
//   floor   a bare `yaml.parseAllDocuments` loop over the same in-memory texts
//   edit    load (parseSource) + query (services) + save without change (Editor.apply)
//   config  load + toModel + configModel (merge engine + normal form) per file
//   fix     every offline fix over each file of corpus/single (fixProject, nothing written)
// and reports files/s, MB/s, median ms/file, the ratio to the floor, and peak RSS. Then, side
// by side in the same run (spawned processes, interleaved, so machine load hits both alike):
//   startup  `composemod --version` against bare `node -e 0` (target: at most 30 ms more)
//   vs dclint  one `composemod fix --dry-run` over 40 files of corpus/single against one
//            `dclint --fix-dry-run` over the same files (target: at most 1/20 of dclint's time);
//            dclint is a devDependency; without it the row is skipped with a message.
// Wall times are medians; CPU times (user+sys of the child, from /proc) are means.
//   npm run bench            everything
//   npm run bench -- --cli   only the spawned rows (startup, vs dclint)
//   BENCH_COMPARE=<checkout>  also race that checkout's bin/composemod.js (built) in the spawned
//                            rows, e.g. the commit before a change, for before/after figures
import { readdirSync, readFileSync, statSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(root, '..', 'shared', 'corpus');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CLI_ONLY = process.argv.includes('--cli');

const { parseSource } = await import(path.join(root, 'dist/core/source.js'));
const { Editor } = await import(path.join(root, 'dist/core/edit.js'));
const { services } = await import(path.join(root, 'dist/core/query.js'));
const { toModel } = await import(path.join(root, 'dist/core/model.js'));
const { configModel } = await import(path.join(root, 'dist/core/merge/index.js'));
const { ComposemodError } = await import(path.join(root, 'dist/core/errors.js'));
const { fixProject: runFixes } = await import(path.join(root, 'dist/rules/engine.js'));
const { selectRules } = await import(path.join(root, 'dist/rules/select.js'));

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

/**
 * Runs fn over every file ROUNDS times. Per-file time is the median over rounds; the total is
 * the sum of those medians (a GC pause or a scheduling hiccup in one round does not count).
 */
function measure(files, fn) {
  const perFile = files.map(() => []);
  let failures = 0;
  for (let r = 0; r < ROUNDS; r++) {
    globalThis.gc?.();
    files.forEach((f, i) => {
      const s = performance.now();
      try {
        fn(f);
      } catch (e) {
        if (!(e instanceof ComposemodError)) throw e;
        if (r === 0) failures++;
      }
      perFile[i].push(performance.now() - s);
    });
  }
  const medians = perFile.map(median);
  return { total: medians.reduce((a, b) => a + b, 0), perFileMedian: median(medians), failures };
}

function row(name, files, bytes, m, floor) {
  const secs = m.total / 1000;
  return [
    name.padEnd(8),
    `${(files.length / secs).toFixed(0).padStart(7)} files/s`,
    `${(bytes / 1e6 / secs).toFixed(2).padStart(7)} MB/s`,
    `${m.perFileMedian.toFixed(3).padStart(7)} ms/file (median)`,
    floor ? `${(m.total / floor.total).toFixed(2).padStart(5)}x floor` : '   (floor)',
    m.failures ? `  ${m.failures} rejected with ComposemodError` : '',
  ].join('  ');
}

const hasCorpus = existsSync(corpus);
if (!hasCorpus) console.log(`bench: corpus rows skipped, ${corpus} is absent (it lives in ../shared beside the project).`);

const paths = hasCorpus ? walk(corpus) : [];
const files = paths.map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
const singles = files.filter((f) => f.path.includes(`${path.sep}single${path.sep}`));
const offline = await selectRules('fix');

console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, load ${os.loadavg()[0].toFixed(1)}`);
console.log(`corpus:  ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB, ${ROUNDS} rounds (median)`);

/** Files of corpus/single every offline fix accepts (the CLI row needs a run that does not exit 2). */
async function fixable(list) {
  const ok = [];
  for (const f of list) {
    try {
      await runFixes({ dir: path.dirname(f.path), environments: [{ name: 'default', files: [f.path] }] }, offline, {});
      ok.push(f);
    } catch (e) {
      if (!(e instanceof ComposemodError)) throw e;
    }
  }
  return ok;
}

if (!CLI_ONLY && hasCorpus) {
  // warm-up, so JIT compilation is not billed to the first measurement
  for (const f of files) {
    try {
      new Editor(parseSource(f.text, f.path)).apply();
      configModel([{ path: f.path, model: toModel(parseSource(f.text, f.path).doc, f.path) }]);
    } catch {
      /* measured below */
    }
  }

  const floor = measure(files, (f) => parseAllDocuments(f.text));
  let identical = 0;
  const edit = measure(files, (f) => {
    const src = parseSource(f.text, f.path);
    services(src);
    if (new Editor(src).apply() === f.text) identical++;
  });
  const config = measure(files, (f) => {
    const src = parseSource(f.text, f.path);
    configModel([{ path: f.path, model: toModel(src.doc, f.path) }]);
  });

  console.log(row('floor', files, bytes, floor));
  console.log(row('edit', files, bytes, edit, floor));
  console.log(row('config', files, bytes, config, floor));
  // every offline fix over every single file (async: the runner reads the files itself)
  const fixTimes = singles.map(() => []);
  let fixFailures = 0;
  let fixChanged = 0;
  const FIX_ROUNDS = Math.min(ROUNDS, 3);
  for (let r = 0; r < FIX_ROUNDS; r++) {
    for (const [i, f] of singles.entries()) {
      const s = performance.now();
      try {
        const res = await runFixes({ dir: path.dirname(f.path), environments: [{ name: 'default', files: [f.path] }] }, offline, {});
        if (r === 0 && res.changes.length) fixChanged++;
      } catch (e) {
        if (!(e instanceof ComposemodError)) throw e;
        if (r === 0) fixFailures++;
      }
      fixTimes[i].push(performance.now() - s);
    }
  }
  const fixMedians = fixTimes.map(median);
  const fixTotal = fixMedians.reduce((a, b) => a + b, 0);
  const singleBytes = singles.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  console.log(
    [
      'fix'.padEnd(8),
      `${(singles.length / (fixTotal / 1000)).toFixed(0).padStart(7)} files/s`,
      `${(singleBytes / 1e6 / (fixTotal / 1000)).toFixed(2).padStart(7)} MB/s`,
      `${median(fixMedians).toFixed(3).padStart(7)} ms/file (median)`,
      `  all ${offline.length} offline fixes over ${singles.length} files of corpus/single in ${fixTotal.toFixed(0)} ms;`,
      `${fixChanged} changed, ${fixFailures} rejected with ComposemodError`,
    ].join('  '),
  );
  // fix at scale (issue 8, defect 18): the secrets fix and its intent check on 1,000 and 3,000
  // generated services, each size in its own process (scripts/bench-fix-scale.mjs)
  for (const n of [1000, 3000]) {
    const row = JSON.parse(execFileSync(process.execPath, [path.join(root, 'scripts', 'bench-fix-scale.mjs'), String(n)], { encoding: 'utf8' }));
    console.log(
      `${'secrets'.padEnd(8)}  ${String(row.services).padStart(5)} services: ${String(row.wallMs).padStart(6)} ms wall, ${String(row.cpuMs).padStart(6)} ms CPU, ` +
        `peak RSS ${row.maxRssMiB} MiB (${row.changes} files, ${row.notes} changes)`,
    );
  }
  console.log(`round-trip: ${identical / ROUNDS}/${files.length} files saved back byte-identical with no edits`);
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);
}

// ---- spawned processes, side by side ------------------------------------------------------

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
/** User+system CPU of this process's waited-for children so far (ms), NaN off Linux. */
function childrenCpu() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3 (state)
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLK_TCK; // cutime + cstime
  } catch {
    return NaN;
  }
}

/** Spawns `argv` `rounds` times per command, interleaved; per command: median wall, mean CPU. */
function race(commands, rounds) {
  const wall = commands.map(() => []);
  const cpu = commands.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    commands.forEach((c, i) => {
      const c0 = childrenCpu();
      const t0 = performance.now();
      const res = spawnSync(c.argv[0], c.argv.slice(1), { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      wall[i].push(performance.now() - t0);
      cpu[i] += childrenCpu() - c0;
      if (res.error || !c.ok(res.status)) throw new Error(`bench: ${c.name} exited ${res.status}: ${res.error ?? res.stderr.slice(0, 500)}`);
    });
  }
  return commands.map((c, i) => ({ name: c.name, wall: median(wall[i]), cpu: cpu[i] / rounds }));
}

const fmt = (m) => `${m.wall.toFixed(0)} ms (cpu ${Number.isNaN(m.cpu) ? '?' : m.cpu.toFixed(0)} ms)`;
const bin = path.join(root, 'bin', 'composemod.js');
const otherBin = process.env.BENCH_COMPARE ? path.resolve(process.env.BENCH_COMPARE, 'bin', 'composemod.js') : undefined;
const STARTS = Number(process.env.BENCH_STARTS ?? 21);
// the floor of running any ES module file: node loading an empty one
const emptyModule = path.join(os.tmpdir(), `composemod-bench-empty-${process.pid}.mjs`);
writeFileSync(emptyModule, '');
const [version, bare, empty, otherVersion] = race(
  [
    { name: 'composemod --version', argv: [process.execPath, bin, '--version'], ok: (s) => s === 0 },
    { name: 'node -e 0', argv: [process.execPath, '-e', '0'], ok: (s) => s === 0 },
    { name: 'node empty.mjs', argv: [process.execPath, emptyModule], ok: (s) => s === 0 },
    ...(otherBin ? [{ name: 'compared --version', argv: [process.execPath, otherBin, '--version'], ok: (s) => s === 0 }] : []),
  ],
  STARTS,
);
rmSync(emptyModule, { force: true });
const over = version.wall - bare.wall;
console.log(
  `startup: composemod --version ${fmt(version)}, bare node -e 0 ${fmt(bare)}: +${over.toFixed(0)} ms wall, ` +
    `+${(version.cpu - bare.cpu).toFixed(0)} ms cpu (median/mean of ${STARTS}; target +30 ms: ${over <= 30 ? 'met' : 'OVER'}); ` +
    `an empty .mjs file: ${fmt(empty)}`,
);
if (otherVersion)
  console.log(`  compared: ${process.env.BENCH_COMPARE} --version ${fmt(otherVersion)}: +${(otherVersion.wall - bare.wall).toFixed(0)} ms wall over bare node`);

const dclint = (() => {
  try {
    const require = createRequire(import.meta.url);
    return path.join(path.dirname(require.resolve('dclint/package.json')), 'bin', 'dclint.cjs');
  } catch {
    return undefined;
  }
})();
if (!hasCorpus) {
  console.log('vs dclint: skipped, the corpus is absent');
} else if (!dclint || !existsSync(dclint)) {
  console.log('vs dclint: skipped, dclint is not installed (it is a devDependency: npm ci installs it)');
} else {
  const sample = (await fixable(singles)).slice(0, 40).map((f) => f.path);
  const CLI_ROUNDS = Number(process.env.BENCH_CLI_ROUNDS ?? 3);
  const [ours, theirs, other] = race(
    [
      // exit 0: dry-run; 2 would be invalid input (the sample is what the fixes accept)
      { name: 'composemod fix --dry-run', argv: [process.execPath, bin, 'fix', '--dry-run', ...sample], ok: (s) => s === 0 },
      // exit 1: dclint found problems
      { name: 'dclint --fix-dry-run', argv: [process.execPath, dclint, '--fix-dry-run', ...sample], ok: (s) => s === 0 || s === 1 },
      ...(otherBin ? [{ name: 'compared fix --dry-run', argv: [process.execPath, otherBin, 'fix', '--dry-run', ...sample], ok: (s) => s === 0 }] : []),
    ],
    CLI_ROUNDS,
  );
  const ratio = theirs.wall / ours.wall;
  console.log(
    `vs dclint: ${sample.length} files of corpus/single, composemod fix --dry-run ${fmt(ours)}, ` +
      `dclint ${JSON.parse(readFileSync(path.join(path.dirname(dclint), '..', 'package.json'), 'utf8')).version} --fix-dry-run ${fmt(theirs)}: ` +
      `1/${ratio.toFixed(1)} of dclint's wall time, 1/${(theirs.cpu / ours.cpu).toFixed(1)} of its cpu ` +
      `(median/mean of ${CLI_ROUNDS}; target 1/20: ${ratio >= 20 ? 'met' : 'OVER'})`,
  );
  if (other)
    console.log(`  compared: ${process.env.BENCH_COMPARE} fix --dry-run ${fmt(other)}: 1/${(theirs.wall / other.wall).toFixed(1)} of dclint's wall time, 1/${(theirs.cpu / other.cpu).toFixed(1)} of its cpu`);
}
