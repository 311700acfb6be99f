/**
 * The library API: `check` and `fix` as functions (project in, findings or changes out,
 * nothing written), and what `src/index.ts` exports (what a library user needs, no internals).
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as api from '../../src/index.js';

describe('the library API', () => {
  it('check() reports findings, fix() returns changes and writes nothing until writeChanges', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-api-'));
    const text = 'services:\n  cache:\n    image: redis:7.4.1\n';
    writeFileSync(path.join(dir, 'compose.yaml'), text);
    const report = await api.check({ cwd: dir, config: false });
    const findings = report.projects.flatMap((p) => p.result.findings);
    expect(findings).toContainEqual(expect.objectContaining({ id: 'add-volumes', file: path.join(dir, 'compose.yaml'), line: 2, fixable: true }));
    expect(report.rules.map((r) => r.id)).toContain('add-volumes');
    const fixed = await api.fix({ cwd: dir, only: 'add-volumes', config: false });
    const changes = fixed.projects.flatMap((p) => p.result.changes);
    expect(changes).toHaveLength(1);
    expect(readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).toBe(text);
    await api.writeChanges(changes);
    expect(readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).toContain('cache_data:/data');
  });

  it('exports the commands, project loading, the config and the rule contract, not the internals', () => {
    for (const name of ['check', 'fix', 'extract', 'listRules', 'resolveTargets', 'detectProject', 'loadConfigFile', 'checkProject', 'fixProject', 'Editor', 'writeChanges', 'formatDiff', 'ownerOf', 'editBlocker', 'secretDelivers'])
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    for (const internal of ['runFixes', 'transforms', 'toModel', 'mergeFiles', 'normalize', 'emitYaml', 'pairAt', 'RESET', 'shellSplit', 'schemaIssues'])
      expect((api as Record<string, unknown>)[internal], internal).toBeUndefined();
    expect(Object.keys(api).length).toBeLessThan(45);
  });
});
