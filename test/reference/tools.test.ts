/**
 * The reference tools run here, offline and without an engine: `docker compose config` and
 * `podman-compose config` / `--dry-run up -d` on a small project.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeConfig, dockerCompose, dockerComposeOld, podmanCompose, podmanComposeRun, referenceSkipMessage } from '../helpers/reference.js';

if (!dockerCompose || !podmanCompose) console.log(referenceSkipMessage);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'composemod-ref-'));
  writeFileSync(
    path.join(dir, 'compose.yaml'),
    'services:\n  web:\n    image: nginx:${TAG:-1.27}\n    ports: ["8080:80"]\n    volumes: ["./site:/usr/share/nginx/html:z"]\n',
  );
});

describe.skipIf(!dockerCompose)('docker compose (reference)', () => {
  it('is 2.40 and prints config offline, interpolated and not', async () => {
    expect(dockerCompose!.version).toMatch(/^2\.40\./);
    const yaml = await composeConfig({ cwd: dir, projectName: 'ref' });
    expect(yaml.stderr).toBe('');
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toContain('image: nginx:1.27');
    expect(yaml.stdout).toContain(`source: ${path.join(dir, 'site')}`);
    expect(yaml.stdout).toContain('selinux: z');
    const raw = await composeConfig({ cwd: dir, projectName: 'ref', noInterpolate: true, format: 'json' });
    expect(raw.code).toBe(0);
    expect(JSON.parse(raw.stdout).services.web.image).toBe('nginx:${TAG:-1.27}');
  });

  it('rejects what Compose rejects, with exit code 15 or 1 and a message', async () => {
    const bad = mkdtempSync(path.join(os.tmpdir(), 'composemod-ref-'));
    writeFileSync(path.join(bad, 'compose.yaml'), 'services:\n  web:\n    image: a\n    image: b\n');
    const r = await composeConfig({ cwd: bad, projectName: 'ref' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('mapping key "image" already defined at line 3');
  });
});

describe.skipIf(!dockerComposeOld)('docker compose 2.26 (version notes)', () => {
  it('runs', async () => {
    expect(dockerComposeOld!.version).toMatch(/^2\.26\./);
    const r = await composeConfig({ cwd: dir, projectName: 'ref', tool: dockerComposeOld });
    expect(r.code).toBe(0);
  });
});

describe.skipIf(!podmanCompose)('podman-compose (reference)', () => {
  it('is 1.6 and runs config and --dry-run up -d', async () => {
    expect(podmanCompose!.version).toMatch(/^1\.6\./);
    const cfg = await podmanComposeRun([], ['config'], { cwd: dir });
    expect(cfg.code).toBe(0);
    expect(cfg.stdout).toContain('image: nginx:1.27');
    const up = await podmanComposeRun([], ['up', '-d'], { cwd: dir, dryRun: true });
    expect(up.code).toBe(0);
  });

  it('refuses environment-sourced secrets at up (what config does not show)', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'composemod-ref-'));
    writeFileSync(path.join(d, 'compose.yaml'), 'services:\n  web:\n    image: a\n    secrets: [s]\nsecrets:\n  s:\n    environment: TOKEN\n');
    const cfg = await podmanComposeRun([], ['config'], { cwd: d, env: { TOKEN: 'x' } });
    expect(cfg.code).toBe(0);
    const up = await podmanComposeRun([], ['up', '-d'], { cwd: d, env: { TOKEN: 'x' }, dryRun: true });
    expect(up.code).not.toBe(0);
    expect(up.stderr).toContain('environment source, which is not supported');
  });
});
