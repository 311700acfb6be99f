/**
 * Every offline fix together over every project of ../shared/corpus (each file of single/ on
 * its own, each directory of pairs/ with its environments), with the intent check of the
 * runner: counts projects, environments checked and refusals by reason, and fails on a
 * refusal (a fix changed what a container gets beyond what it declared) or a crash. Then the
 * real tools referee every changed project: `docker compose config` before vs after differs
 * only as declared, and after a `--runtime podman-compose` run `podman-compose --dry-run up -d`
 * accepts every environment it accepted before. Prints the counts.
 */
import { describe, it, expect } from 'vitest';
import { rmSync } from 'node:fs';
import { loadRules } from '../../src/rules/index.js';
import { IntentRefusal } from '../../src/rules/engine.js';
import { runFixes, type FixRun as FixResult, type FixTarget } from '../helpers/run-fixes.js';
import type { FixSettings } from '../../src/rules/settings.js';
import { writeChanges } from '../../src/core/save.js';
import { isComposemodError } from '../../src/core/errors.js';
import { dockerCompose, podmanCompose, referenceSkipMessage } from '../helpers/reference.js';
import { sharedPresent, sharedSkipMessage } from '../helpers/shared.js';
import { corpusProjects, addMissingEnvFiles, type CorpusProject } from '../helpers/fix-projects.js';
import { configs, referee, podmanUp } from '../helpers/referee.js';

if (!sharedPresent) console.log(sharedSkipMessage);
else if (!dockerCompose || !podmanCompose) console.log(referenceSkipMessage);

const offline = (await loadRules()).filter((t) => !t.meta.network && t.meta.fixable);
const podman: FixSettings = { runtime: { kind: 'podman-compose', composeVersion: '2.40.3', source: 'option' } };

/** Runs `work` over `items` with at most `n` at a time (the tools are separate processes). */
async function pool<T>(items: readonly T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

interface Counts {
  projects: number;
  environments: number;
  invalidInput: number;
  changed: number;
  intents: number;
  refusals: Record<string, number>;
  referee: { projects: number; compared: number; refusedBefore: number };
  podman: { projects: number; environments: number; accepted: number; refusedBefore: number };
}

describe.skipIf(!sharedPresent)('every fix over the corpus, checked by intent and refereed by the real tools', () => {
  it('no refusal, no crash; docker compose and podman-compose agree', async () => {
    const counts: Counts = {
      projects: 0,
      environments: 0,
      invalidInput: 0,
      changed: 0,
      intents: 0,
      refusals: {},
      referee: { projects: 0, compared: 0, refusedBefore: 0 },
      podman: { projects: 0, environments: 0, accepted: 0, refusedBefore: 0 },
    };
    const failures: string[] = [];
    const run = async (target: FixTarget, settings?: FixSettings): Promise<FixResult | undefined> => {
      try {
        return await runFixes(target, offline, {}, settings);
      } catch (e) {
        if (e instanceof IntentRefusal) throw e;
        if (isComposemodError(e) && !e.message.startsWith('internal')) return undefined;
        throw e;
      }
    };
    const copy = async (p: CorpusProject): Promise<FixTarget> => {
      const t = await p.copy();
      addMissingEnvFiles(t);
      return t;
    };
    const project = async (p: CorpusProject): Promise<void> => {
      const target = await copy(p);
      try {
        counts.projects++;
        let result: FixResult | undefined;
        try {
          result = await run(target);
        } catch (e) {
          if (!(e instanceof IntentRefusal)) {
            failures.push(`${p.name}: crashed: ${(e as Error).stack}`);
            return;
          }
          counts.environments += target.environments.length;
          for (const v of e.violations) {
            const reason = `${v.rule}: ${v.key.replace(/\.[A-Za-z0-9_]+$|\[.*\]$/, '')}: ${v.message.replace(/\b[a-z0-9_.-]+(?= (reaches|is|does|had|still))/gi, 'X')}`;
            counts.refusals[reason] = (counts.refusals[reason] ?? 0) + 1;
          }
          failures.push(`${p.name}: refused: ${e.message}`);
          return;
        }
        if (!result) {
          counts.invalidInput++;
          return;
        }
        counts.environments += result.environmentsChecked;
        counts.intents += result.intents.length;
        if (!result.changes.length) return;
        counts.changed++;
        if (dockerCompose) {
          const before = await configs(target);
          await writeChanges(result.changes);
          const after = await configs(target);
          const outcome = referee(target, before, after, result.intents);
          counts.referee.projects++;
          counts.referee.compared += outcome.compared;
          counts.referee.refusedBefore += outcome.refusedBefore.length;
          for (const r of outcome.refusedAfter) failures.push(`${p.name}: docker compose refuses it only after the fixes: ${r}`);
          for (const v of outcome.violations) failures.push(`${p.name}: docker compose config: ${v.rule ?? ''} ${v.env}/${v.service ?? ''} ${v.key}: ${v.message}`);
        }
        if (podmanCompose) {
          const fresh = await copy(p);
          try {
            const pr = await run(fresh, podman);
            if (!pr?.changes.length) return;
            await writeChanges(pr.changes);
            counts.podman.projects++;
            for (const env of fresh.environments) {
              counts.podman.environments++;
              const err = await podmanUp(fresh, env);
              if (err === null) {
                counts.podman.accepted++;
                continue;
              }
              const orig = await copy(p);
              try {
                const was = await podmanUp(orig, orig.environments.find((e) => e.name === env.name)!);
                if (was === null) failures.push(`${p.name}: podman-compose accepted ${env.name} before the fixes, and now says: ${err}`);
                else counts.podman.refusedBefore++;
              } finally {
                rmSync(orig.dir, { recursive: true, force: true });
              }
            }
          } finally {
            rmSync(fresh.dir, { recursive: true, force: true });
          }
        }
      } finally {
        rmSync(target.dir, { recursive: true, force: true });
      }
    };
    await pool(corpusProjects(), 4, project);
    console.log(`intent check over the corpus: ${JSON.stringify(counts, null, 2)}`);
    expect(failures).toEqual([]);
    expect(counts.changed).toBeGreaterThan(0);
  }, 1_800_000);
});
