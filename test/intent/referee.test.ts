/**
 * The real tools as referee on every fix fixture: each environment's `docker compose config`
 * (interpolated, every profile) before vs after the fix differs only as the fix declared
 * (helpers/referee.ts turns Compose's own output into the view the intent check compares), and
 * with `--runtime podman-compose`, `podman-compose --dry-run up -d` accepts every environment
 * it accepted before. Skipped with a message when the tools are absent.
 */
import { describe, it, expect } from 'vitest';
import { writeChanges } from '../../src/core/save.js';
import { loadRules } from '../../src/rules/index.js';
import { runFixes } from '../helpers/run-fixes.js';
import type { FixSettings } from '../../src/rules/settings.js';
import { dockerCompose, podmanCompose, referenceSkipMessage } from '../helpers/reference.js';
import { fixtureCases, fixtureCopy } from '../helpers/fix-projects.js';
import { configs, referee, podmanUp } from '../helpers/referee.js';

const transforms = await loadRules();

if (!dockerCompose || !podmanCompose) console.log(referenceSkipMessage);

const cases = fixtureCases(transforms.map((t) => t.meta.id));
const fixOf = (name: string) => transforms.find((t) => t.meta.id === name)!;
const podman: FixSettings = { runtime: { kind: 'podman-compose', composeVersion: '2.40.3', source: 'option' } };

describe.skipIf(!dockerCompose)('docker compose config before/after differs only as declared: fix fixtures', { concurrent: true }, () => {
  for (const c of cases)
    it(`${c.fix}/${c.name}`, async () => {
      const target = fixtureCopy(c);
      const before = await configs(target);
      const result = await runFixes(target, [fixOf(c.fix)], c.args.options ?? {}, c.args.settings);
      await writeChanges(result.changes);
      const after = await configs(target);
      const outcome = referee(target, before, after, result.intents);
      expect(outcome.refusedAfter, 'Compose refuses an environment only after the fix').toEqual([]);
      expect(outcome.violations).toEqual([]);
      expect(outcome.compared + outcome.refusedBefore.length).toBe(target.environments.length);
    });
});

describe.skipIf(!podmanCompose)('podman-compose --dry-run up -d accepts every environment: fix fixtures with --runtime podman-compose', { concurrent: true }, () => {
  for (const c of cases)
    it(`${c.fix}/${c.name}`, async () => {
      const target = fixtureCopy(c);
      const result = await runFixes(target, [fixOf(c.fix)], c.args.options ?? {}, podman);
      if (!result.changes.length) return;
      await writeChanges(result.changes);
      for (const env of target.environments) {
        const err = await podmanUp(target, env);
        if (err === null) continue;
        // refused after: it must have been refused before the fix too, for the same reason
        const fresh = fixtureCopy(c);
        const was = await podmanUp(fresh, fresh.environments.find((e) => e.name === env.name)!);
        expect(was, `${env.name}: podman-compose accepted it before the fix, and now says: ${err}`).not.toBeNull();
      }
    });
});
