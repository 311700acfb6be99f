/**
 * Fixture-driven tests for every fix: fixtures/<fix>/<case>/
 *   input/      the project before (compose files and any other files)
 *   expected/   the project after: every file compared byte for byte; a file of input/ that is
 *               missing from expected/ must have been deleted
 *   args.json   optional: { "env": { "NAME": ["a.yml", "b.yml"] }, "options": { ... },
 *               "settings": { "runtime": { "kind": "podman-compose", "composeVersion": "2.40.3" } },
 *               "warnings": ["substring", ...], "info": ["substring", ...], "notes": ["substring", ...] }
 *               (without "env", each compose file of input/ is its own environment)
 * Each case also runs the fix a second time on its own output and expects no change. The
 * runner's intent check runs on every case (a refusal fails it); test/intent/referee.test.ts
 * compares the same cases with the real docker compose and podman-compose.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadRules } from '../src/rules/index.js';
import { fixProject } from '../src/rules/engine.js';
import { writeChanges } from '../src/core/save.js';
import { fixtureCases, fixtureCopy } from './helpers/fix-projects.js';

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p, base));
    else out.push(path.relative(base, p));
  }
  return out;
}

const rules = await loadRules();

for (const rule of rules) {
  const cases = fixtureCases([rule.meta.id]);
  if (!cases.length) continue;
  describe(`fix ${rule.meta.id}`, () => {
    for (const c of cases) {
      it(c.name, async () => {
        const { args } = c;
        const target = fixtureCopy(c);
        const first = await fixProject(target, [rule], { options: args.options ?? {}, settings: args.settings });
        await writeChanges(first.changes);
        const expectedDir = path.join(c.dir, 'expected');
        const expectedFiles = listFiles(expectedDir);
        expect(listFiles(target.dir)).toEqual(expectedFiles);
        for (const f of expectedFiles)
          expect(readFileSync(path.join(target.dir, f), 'utf8'), f).toBe(readFileSync(path.join(expectedDir, f), 'utf8'));
        // "warnings" and "info": findings the fix leaves to a human (any severity) and the rules' decisions
        const said = [...first.findings.filter((x) => !x.fixed), ...first.decisions].map((x) => x.message).join('\n');
        for (const w of [...(args.warnings ?? []), ...(args.info ?? [])]) expect(said).toContain(w);
        for (const n of args.notes ?? []) expect(first.notes.map((x) => x.message).join('\n')).toContain(n);
        const second = await fixProject(target, [rule], { options: args.options ?? {}, settings: args.settings });
        expect(second.changes, 'a second run changes nothing').toEqual([]);
      });
    }
  });
}
