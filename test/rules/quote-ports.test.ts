/**
 * quote-ports against the real tools: on the fixture, podman-compose 1.6 publishes `-p 1342`
 * for the plain `22:22` before the fix and `-p 22:22` after it; docker compose config prints
 * the same model before and after (the fix changes nothing Docker Compose sees).
 */
import { describe, it, expect } from 'vitest';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeConfig, dockerCompose, podmanCompose, podmanComposeRun, referenceSkipMessage } from '../helpers/reference.js';
import { projectRoot } from '../helpers/shared.js';
import { fix } from '../../src/api.js';
import { writeChanges } from '../../src/core/save.js';

if (!dockerCompose || !podmanCompose) console.log(referenceSkipMessage);

describe.skipIf(!dockerCompose || !podmanCompose)('quote-ports, refereed by podman-compose and docker compose', () => {
  it('podman-compose publishes 1342 before the fix and 22:22 after; docker compose sees no change', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-quote-ports-'));
    try {
      cpSync(path.join(projectRoot, 'fixtures', 'quote-ports', 'podman-ssh-gitea', 'input'), dir, { recursive: true });
      const up = async () => (await podmanComposeRun(['compose.yaml'], ['--verbose', 'up', '-d'], { cwd: dir, dryRun: true, projectName: 'gitea' })).stderr;
      const docker = async () => (await composeConfig({ cwd: dir, projectName: 'gitea', format: 'json' })).stdout;
      const before = { podman: await up(), docker: await docker() };
      expect(before.docker).toContain('"published": "22"');
      expect(before.podman).toMatch(/ -p 1342 /);
      expect(before.podman).toMatch(/ -p 179 /); // 2:59
      const report = await fix({ cwd: dir, only: 'quote-ports', runtime: 'podman-compose', config: false });
      await writeChanges(report.projects.flatMap((p) => p.result.changes));
      const after = { podman: await up(), docker: await docker() };
      expect(after.podman).not.toMatch(/ -p 1342 /);
      expect(after.podman).toMatch(/ -p 22:22 /);
      expect(after.podman).toMatch(/ -p 2:59 /);
      expect(after.docker).toBe(before.docker);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
