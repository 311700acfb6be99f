/**
 * The operational rules (obsolete-version, restart-policy, logging-rotation, resource-limits,
 * duplicate-host-port, fixed-port-scaled, depends-on-disabled, datastore-ports) over the whole
 * corpus: every file of corpus/single as one deployed environment (`deployedEnvironments:
 * default`, every memory limit given, data store ports removed), every duplicated pair as its
 * environments (the first file local, the others deployed, by their names). For each project:
 * `check` and `fix` never throw anything but a ComposemodError for bad input, the fix's intent
 * check passes, a second fix changes nothing, and when the reference Docker Compose is there,
 * every environment it accepted before it also accepts after. Prints the counts per rule.
 */
import { describe, it, expect } from 'vitest';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadRules } from '../../src/rules/index.js';
import { checkProject } from '../../src/rules/engine.js';
import { writeChanges } from '../../src/core/save.js';
import { isComposemodError } from '../../src/core/errors.js';
import type { ProjectTarget } from '../../src/core/targets.js';
import { runFixes } from '../helpers/run-fixes.js';
import { composeConfig, dockerCompose } from '../helpers/reference.js';
import { corpusPairs, corpusSingle, sharedPresent, sharedSkipMessage } from '../helpers/shared.js';

const IDS = ['obsolete-version', 'restart-policy', 'logging-rotation', 'resource-limits', 'duplicate-host-port', 'fixed-port-scaled', 'depends-on-disabled', 'datastore-ports'];

if (!sharedPresent) console.log(sharedSkipMessage);

interface Counts {
  findings: number;
  kinds: number;
  fixes: number;
}

async function accepted(target: ProjectTarget): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  for (const env of target.environments) {
    const r = await composeConfig({ cwd: target.dir, files: env.files.map((f) => path.relative(target.dir, f)), projectName: 'corpus', format: 'json' });
    out.set(env.name, r.code === 0);
  }
  return out;
}

/**
 * Every single file with COMPOSEMOD_FULL_CORPUS=1 (about 400 s on 2 cores); else every third
 * one (a fixed sample, so a run is repeatable), beside every pair: the generic corpus suites
 * (test/intent/corpus.test.ts) already run these fixes over the whole corpus as detected.
 */
const full = process.env.COMPOSEMOD_FULL_CORPUS === '1';
if (!full) console.log('operational rules corpus run: every third single file (COMPOSEMOD_FULL_CORPUS=1 runs them all)');

function projects(): { name: string; target: ProjectTarget; options: Record<string, unknown> }[] {
  const out: { name: string; target: ProjectTarget; options: Record<string, unknown> }[] = [];
  for (const [i, f] of readdirSync(corpusSingle).filter((n) => /\.ya?ml$/.test(n)).sort().entries()) {
    if (!full && i % 3 !== 0) continue;
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-ops-'));
    copyFileSync(path.join(corpusSingle, f), path.join(dir, 'compose.yaml'));
    out.push({
      name: f,
      target: { dir, environments: [{ name: 'default', files: [path.join(dir, 'compose.yaml')] }] },
      options: { deployedEnvironments: ['default'], memoryLimit: ['*=512m'], datastorePortAction: 'remove' },
    });
  }
  for (const p of readdirSync(corpusPairs, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const src = path.join(corpusPairs, p);
    const files = readdirSync(src).filter((n) => /\.ya?ml$/.test(n)).sort((a, b) => a.length - b.length || a.localeCompare(b));
    if (files.length < 2) continue;
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-ops-pair-'));
    for (const f of files) copyFileSync(path.join(src, f), path.join(dir, f));
    // named by their suffix (docker-compose.prod.yml: prod); the file without one is `local`.
    // base+override pairs (SOURCE `kind: base+override`): one environment per override, on the base
    const suffix = (f: string, i: number): string => f.replace(/^(docker-)?compose[.-]?/, '').replace(/\.ya?ml$/, '') || (i === 0 ? 'local' : `env${i}`);
    const kind = /^kind:\s*(\S+)/m.exec(readFileSync(path.join(src, 'SOURCE'), 'utf8'))?.[1];
    const abs = (f: string): string => path.join(dir, f);
    const environments =
      kind === 'base+override'
        ? files.slice(1).map((f, i) => ({ name: suffix(f, i + 1), files: [abs(files[0]), abs(f)] }))
        : files.map((f, i) => ({ name: suffix(f, i), files: [abs(f)] }));
    for (const [i, e] of environments.entries()) if (environments.findIndex((x) => x.name === e.name) < i) e.name = `${e.name}-${i}`;
    out.push({ name: `pairs/${p}`, target: { dir, environments }, options: { memoryLimit: ['*=512m'] } });
  }
  return out;
}

describe.skipIf(!sharedPresent)('operational rules over the corpus', () => {
  it('never crash, fixes hold, a second run changes nothing, Compose accepts every output', { timeout: 900_000 }, async () => {
    const rules = await loadRules(IDS);
    const counts: Record<string, Counts> = Object.fromEntries(IDS.map((id) => [id, { findings: 0, kinds: 0, fixes: 0 }]));
    const failures: string[] = [];
    let invalid = 0;
    let changedProjects = 0;
    let composeChecked = 0;
    const all = projects();
    for (const { name, target, options } of all) {
      let checked;
      try {
        checked = await checkProject(target, rules, { options });
      } catch (e) {
        if (isComposemodError(e)) {
          invalid++;
          continue;
        }
        failures.push(`${name}: check threw ${(e as Error).stack}`);
        continue;
      }
      for (const f of checked.findings) {
        if (f.suppressed) continue;
        if (f.id === f.rule) counts[f.rule].findings++;
        else counts[f.rule].kinds++;
      }
      const before = dockerCompose ? await accepted(target) : undefined;
      let fixed;
      try {
        fixed = await runFixes(target, rules, options);
      } catch (e) {
        failures.push(`${name}: fix threw ${isComposemodError(e) ? e.format() : (e as Error).stack}`);
        continue;
      }
      for (const [id, n] of Object.entries(fixed.counts)) if (counts[id]) counts[id].fixes += n;
      if (!fixed.changes.length) continue;
      changedProjects++;
      await writeChanges(fixed.changes);
      const again = await runFixes(target, rules, options);
      if (again.changes.length) failures.push(`${name}: a second fix changes ${again.changes.map((c) => path.basename(c.path)).join(', ')}`);
      if (before) {
        composeChecked++;
        const after = await accepted(target);
        for (const [env, ok] of before) if (ok && !after.get(env)) failures.push(`${name}: Compose refuses ${env} after the fix`);
      }
    }
    console.log(
      `operational rules over the corpus (${all.length} projects: ${invalid} invalid input, ${changedProjects} changed, ${composeChecked} checked with docker compose after the fix)\n` +
        IDS.map((id) => `  ${id}: ${counts[id].findings} findings, ${counts[id].kinds} other findings, ${counts[id].fixes} fixes`).join('\n'),
    );
    expect(failures).toEqual([]);
  });
});
