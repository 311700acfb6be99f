#!/usr/bin/env node
// composemod benchmark: `npm run bench` (builds first). Prints figures; asserts nothing.
//
// Over every compose file of ../shared/corpus (single files and pairs) it measures, in one process:
//   floor   a bare `yaml.parseAllDocuments` loop over the same in-memory texts
//   edit    load (parseSource) + query (services) + save without change (Editor.apply)
//   config  load + toModel + configModel (merge engine + normal form) per file
//   fix     every offline fix over each file of corpus/single (runFixes, nothing written)
// and reports files/s, MB/s, median ms/file, the ratio to the floor, and peak RSS. Then it
// times `composemod --version` start-up (median of 15 spawns).
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(root, '..', 'shared', 'corpus');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

const { parseSource } = await import(path.join(root, 'dist/core/source.js'));
const { Editor } = await import(path.join(root, 'dist/core/edit.js'));
const { services } = await import(path.join(root, 'dist/core/query.js'));
const { toModel } = await import(path.join(root, 'dist/core/model.js'));
const { configModel } = await import(path.join(root, 'dist/core/merge/index.js'));
const { ComposemodError } = await import(path.join(root, 'dist/core/errors.js'));
const { runFixes } = await import(path.join(root, 'dist/transforms/runner.js'));
const { transforms } = await import(path.join(root, 'dist/transforms/index.js'));

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

if (!existsSync(corpus)) {
  console.log(`bench: skipped, ${corpus} is absent (it lives in ../shared beside the project).`);
  process.exit(0);
}

const paths = walk(corpus);
const files = paths.map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);

console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log(`corpus:  ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB, ${ROUNDS} rounds (median)`);

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
const singles = files.filter((f) => f.path.includes(`${path.sep}single${path.sep}`));
const offline = transforms.filter((t) => !t.meta.network);
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

const bin = path.join(root, 'bin', 'composemod.js');
const starts = [];
for (let i = 0; i < 15; i++) {
  const t0 = performance.now();
  execFileSync(process.execPath, [bin, '--version']);
  starts.push(performance.now() - t0);
}
const bare = [];
for (let i = 0; i < 15; i++) {
  const t0 = performance.now();
  execFileSync(process.execPath, ['-e', '0']);
  bare.push(performance.now() - t0);
}
console.log(
  `startup: composemod --version ${median(starts).toFixed(0)} ms (median of 15; bare node -e 0: ${median(bare).toFixed(0)} ms)`,
);
