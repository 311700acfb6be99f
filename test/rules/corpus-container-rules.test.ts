/**
 * The container rules (healthcheck, depends-on-healthy, read-only, cap-drop, image-major-drift)
 * each on its own, then healthcheck + depends-on-healthy chained, over every project of
 * ../shared/corpus: `check` and `fix` never crash, no fix is refused by the intent check, a
 * second fix changes nothing, and `docker compose config` accepts every environment after the
 * fixes that it accepted before, differing only as declared. Prints the counts per rule.
 * About 15 minutes on 2 cores, so it runs only when asked:
 *   COMPOSEMOD_CONTAINER_CORPUS=1 npx vitest run test/rules/corpus-container-rules.test.ts
 * (the corpus suites of every rule, test/fix-corpus.test.ts and test/intent/corpus.test.ts,
 * run these rules too).
 */
import { describe, it, expect } from 'vitest';
import { rmSync } from 'node:fs';
import { loadRules } from '../../src/rules/index.js';
import { checkProject, fixProject } from '../../src/rules/engine.js';
import type { Rule } from '../../src/rules/types.js';
import { writeChanges } from '../../src/core/save.js';
import { isComposemodError } from '../../src/core/errors.js';
import { dockerCompose, referenceSkipMessage } from '../helpers/reference.js';
import { sharedPresent, sharedSkipMessage } from '../helpers/shared.js';
import { corpusProjects, addMissingEnvFiles } from '../helpers/fix-projects.js';
import { configs, referee } from '../helpers/referee.js';

const asked = process.env.COMPOSEMOD_CONTAINER_CORPUS === '1';
if (!asked) console.log('container rules corpus run skipped: set COMPOSEMOD_CONTAINER_CORPUS=1 to run it');
else if (!sharedPresent) console.log(sharedSkipMessage);
else if (!dockerCompose) console.log(referenceSkipMessage);

const IDS = ['healthcheck', 'depends-on-healthy', 'read-only', 'cap-drop', 'image-major-drift'];
const all = await loadRules(IDS);
const runs: [string, Rule[]][] = [...all.map((r): [string, Rule[]] => [r.meta.id, [r]]), ['healthcheck+depends-on-healthy', all.filter((r) => r.meta.id === 'healthcheck' || r.meta.id === 'depends-on-healthy')]];

describe.skipIf(!sharedPresent || !asked)('container rules over the corpus', () => {
  for (const [name, rules] of runs)
    it(`${name}: no crash, no refusal, idempotent, docker compose accepts every output`, { timeout: 1_800_000 }, async () => {
      const counts = { projects: 0, invalid: 0, findings: 0, fixable: 0, fixes: 0, changed: 0, compared: 0, refusedBefore: 0 };
      const failures: string[] = [];
      for (const p of corpusProjects()) {
        const target = await p.copy();
        addMissingEnvFiles(target);
        try {
          counts.projects++;
          let checked;
          try {
            checked = await checkProject(target, rules);
          } catch (e) {
            if (isComposemodError(e) && !e.message.startsWith('internal')) {
              counts.invalid++;
              continue;
            }
            failures.push(`${p.name}: check crashed: ${(e as Error).stack}`);
            continue;
          }
          counts.findings += checked.findings.length;
          counts.fixable += checked.findings.filter((f) => f.fixable).length;
          let fixed;
          try {
            fixed = await fixProject(target, rules);
          } catch (e) {
            failures.push(`${p.name}: fix ${isComposemodError(e) ? 'refused' : 'crashed'}: ${(e as Error).message}`);
            continue;
          }
          counts.fixes += fixed.notes.length;
          if (!fixed.changes.length) continue;
          counts.changed++;
          const before = dockerCompose ? await configs(target) : undefined;
          await writeChanges(fixed.changes);
          const again = await fixProject(target, rules);
          if (again.changes.length) failures.push(`${p.name}: a second fix changes ${again.changes.map((c) => c.path).join(', ')}`);
          if (before) {
            const outcome = referee(target, before, await configs(target), fixed.intents);
            counts.compared += outcome.compared;
            counts.refusedBefore += outcome.refusedBefore.length;
            for (const r of outcome.refusedAfter) failures.push(`${p.name}: docker compose refuses it only after the fix: ${r}`);
            for (const v of outcome.violations) failures.push(`${p.name}: docker compose config: ${v.env}/${v.service ?? ''} ${v.key}: ${v.message}`);
          }
        } finally {
          rmSync(target.dir, { recursive: true, force: true });
        }
      }
      console.log(
        `${name} over the corpus: ${counts.projects} projects (${counts.invalid} invalid input), ${counts.findings} findings (${counts.fixable} fixable), ` +
          `${counts.fixes} fixes in ${counts.changed} projects; docker compose compared ${counts.compared} environments after the fixes (${counts.refusedBefore} refused before)`,
      );
      expect(failures).toEqual([]);
    });
});
