/**
 * `composemod check` end to end, in-process: every output format, exit codes (0 / 1 / 2),
 * --fail-on and --max-warnings, --output, merge-aware reporting (one finding, the owning line,
 * every environment it affects), suppressions (honoured, carried into JSON, unused ones
 * reported), `fix --check` meaning `check` over the rules with a fix, and `list --json`.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli } from '../helpers/cli.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-check-'));
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), t);
  }
  return dir;
}

interface JsonReport {
  findings: {
    rule: string;
    id: string;
    severity: string;
    message: string;
    file: string | null;
    line: number | null;
    column: number | null;
    endLine: number | null;
    endColumn: number | null;
    environments: string[];
    fixable: boolean;
    suppressed: boolean;
    justification?: string;
  }[];
  summary: { errors: number; warnings: number; notes: number; fixable: number; suppressed: number; failing: number; files: number };
}

const layered = {
  'compose.yaml': 'services:\n  cache:\n    image: redis:7.4.1\n  web:\n    image: nginx:1.27.3\n    container_name: web\n',
  'compose.override.yaml': 'services:\n  web:\n    ports:\n      - 8080:80\n',
  'compose.prod.yaml': 'services:\n  web:\n    deploy:\n      replicas: 3\n',
};
const envs = ['--env', 'dev=compose.yaml,compose.override.yaml', '--env', 'prod=compose.yaml,compose.prod.yaml'];

describe('composemod check: merge-aware findings', () => {
  it('one finding per problem, at the line of the file that owns it, with the environments it affects', async () => {
    const dir = project(layered);
    const r = await cli(['check', '--format', 'json', ...envs], { cwd: dir });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as JsonReport;
    const volumes = j.findings.filter((f) => f.id === 'add-volumes');
    expect(volumes).toEqual([
      expect.objectContaining({ file: 'compose.yaml', line: 2, column: 3, environments: ['dev', 'prod'], fixable: true, severity: 'warning', suppressed: false }),
    ]);
    // the name is set in the base, the replicas in prod's override: reported once, at the name, for prod
    const names = j.findings.filter((f) => f.rule === 'container-name-replicas');
    expect(names).toHaveLength(1);
    expect(names[0]).toMatchObject({ file: 'compose.yaml', line: 6, column: 5, endLine: 6, endColumn: 24, environments: ['prod'] });
    expect(j.summary).toMatchObject({ errors: 1, failing: j.findings.filter((f) => !f.suppressed && f.severity !== 'note').length, files: 3 });
  });

  it('text: file:line:col, severity, message, rule id and environments, grouped per file, and a summary', async () => {
    const dir = project(layered);
    const r = await cli(['check', ...envs], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^compose\.yaml$/m);
    expect(r.stdout).toMatch(/^ {2}compose\.yaml:2:3 {2}warning {2}cache keeps its data in \/data .* {2}add-volumes {2}\[dev, prod\]$/m);
    expect(r.stdout).toMatch(/^\d+ findings \(\d+ errors?, \d+ warnings?, \d+ notes?\) in 3 files; \d+ fixable with `composemod fix`$/m);
    expect(r.stderr).toBe('');
  });

  it('exit codes: 0 below --fail-on, 1 at or above it, --max-warnings, 2 on bad input with nothing else run', async () => {
    const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: nginx:latest\n' });
    expect((await cli(['check'], { cwd: dir })).code).toBe(1);
    expect((await cli(['check', '--fail-on', 'error'], { cwd: dir })).code).toBe(0);
    expect((await cli(['check', '--fail-on', 'error', '--max-warnings', '0'], { cwd: dir })).code).toBe(1);
    expect((await cli(['check', '--fail-on', 'error', '--max-warnings', '5'], { cwd: dir })).code).toBe(0);
    const clean = project({
      'compose.yaml':
        'services:\n  web:\n    image: nginx:1.27.3\n    read_only: true\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n    healthcheck:\n      test: ["CMD", "nginx", "-t"]\n',
    });
    const ok = await cli(['check'], { cwd: clean });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('no findings in 1 file\n');
    const bad = project({ 'compose.yaml': 'services:\n  web:\n    image: [nginx\n' });
    const b = await cli(['check', '--format', 'json'], { cwd: bad });
    expect(b.code).toBe(2);
    expect(b.stdout).toBe('');
    expect(b.stderr).toMatch(/compose\.yaml:\d+:\d+: invalid YAML/);
    expect((await cli(['check', '--format', 'xml'], { cwd: clean })).code).toBe(2);
    expect((await cli(['check', '--only', 'no-such-rule'], { cwd: clean })).stderr).toMatch(/unknown rule "no-such-rule"/);
  });

  it('--only and --skip select rules', async () => {
    const dir = project(layered);
    const only = JSON.parse((await cli(['check', '--format', 'json', '--only', 'add-volumes', ...envs], { cwd: dir })).stdout) as JsonReport;
    expect(new Set(only.findings.map((f) => f.rule))).toEqual(new Set(['add-volumes']));
    const skip = JSON.parse((await cli(['check', '--format', 'json', '--skip', 'add-volumes', ...envs], { cwd: dir })).stdout) as JsonReport;
    expect(skip.findings.some((f) => f.rule === 'add-volumes')).toBe(false);
  });
});

describe('composemod check: output formats', () => {
  it('github: workflow commands only on stdout, the summary on stderr', async () => {
    const dir = project(layered);
    const r = await cli(['check', '--format', 'github', ...envs], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    for (const l of lines) expect(l).toMatch(/^::(error|warning|notice) file=[^,]+(,line=\d+,col=\d+,endLine=\d+,endColumn=\d+)?,title=[a-z-]+(\/[a-z0-9-]+)?::.+$/);
    expect(r.stdout).toContain('::error file=compose.yaml,line=6,col=5,endLine=6,endColumn=24,title=container-name-replicas::web sets container_name');
    expect(r.stderr).toMatch(/^\d+ findings/);
  });

  it('junit: a testsuite per file, failures for findings at or above --fail-on', async () => {
    const dir = project(layered);
    const r = await cli(['check', '--format', 'junit', '--fail-on', 'error', ...envs], { cwd: dir });
    expect(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="composemod check"')).toBe(true);
    expect(r.stdout).toMatch(/<testsuite name="compose\.yaml" tests="\d+" failures="1" errors="0">/);
    expect(r.stdout).toContain('<failure type="error" message="web sets container_name');
    expect(r.stdout).toMatch(/<testsuite name="compose\.prod\.yaml" tests="1" failures="0" errors="0">/);
    expect(r.stdout).toMatch(/<testsuite name="compose\.override\.yaml" tests="1" failures="0" errors="0">/);
    expect(r.stdout.match(/<failure /g)).toHaveLength(1);
  });

  it('--output writes the report to a file, the summary to stderr', async () => {
    const dir = project(layered);
    const r = await cli(['check', '--format', 'sarif', '--output', 'out/report.sarif', ...envs], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/report written to out\/report\.sarif \(sarif\)/);
    const log = JSON.parse(readFileSync(path.join(dir, 'out', 'report.sarif'), 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results.length).toBeGreaterThan(0);
  });

  it('sarif: rules with help, results at their region, fixes with the exact replacement, suppressions with their justification', async () => {
    const dir = project({
      'compose.yaml':
        'services:\n  cache:\n    image: redis:7.4.1\n  db:  # composemod-disable-line add-volumes -- rebuilt from fixtures on every run\n    image: postgres:16\n',
    });
    const r = await cli(['check', '--format', 'sarif', '--only', 'add-volumes'], { cwd: dir });
    const log = JSON.parse(r.stdout) as {
      runs: {
        tool: { driver: { name: string; rules: { id: string; help: { text: string }; defaultConfiguration: { level: string } }[] } };
        results: {
          ruleId: string;
          level: string;
          locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number; startColumn: number } } }[];
          fixes?: { artifactChanges: { artifactLocation: { uri: string }; replacements: { deletedRegion: { startLine: number; startColumn: number; endLine: number; endColumn: number }; insertedContent?: { text: string } }[] }[] }[];
          suppressions?: { kind: string; justification?: string }[];
        }[];
      }[];
    };
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('composemod');
    const rule = run.tool.driver.rules.find((x) => x.id === 'add-volumes')!;
    expect(rule.help.text).toContain('docs/rules/add-volumes.md');
    expect(rule.defaultConfiguration.level).toBe('warning');
    expect(run.tool.driver.rules.some((x) => x.id === 'add-volumes/postgres18-layout')).toBe(true);
    const [cache, db] = run.results;
    expect(cache.ruleId).toBe('add-volumes');
    expect(cache.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'compose.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 2, startColumn: 3, endLine: 2, endColumn: 8 },
    });
    // applying the replacements to the file gives what `fix` writes
    const text = readFileSync(path.join(dir, 'compose.yaml'), 'utf8');
    const lines = text.split('\n');
    const offset = (line: number, col: number) => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col - 1;
    const change = cache.fixes![0].artifactChanges[0];
    expect(change.artifactLocation.uri).toBe('compose.yaml');
    let patched = text;
    for (const x of [...change.replacements].reverse())
      patched = patched.slice(0, offset(x.deletedRegion.startLine, x.deletedRegion.startColumn)) + (x.insertedContent?.text ?? '') + patched.slice(offset(x.deletedRegion.endLine, x.deletedRegion.endColumn));
    await cli(['fix', '--only', 'add-volumes'], { cwd: dir });
    expect(patched).toBe(readFileSync(path.join(dir, 'compose.yaml'), 'utf8'));
    expect(db.suppressions).toEqual([expect.objectContaining({ kind: 'inSource', justification: 'rebuilt from fixtures on every run' })]);
    expect(db.fixes).toBeUndefined();
  });

  it('secret values never reach a report: a fix that writes one has no SARIF replacement', async () => {
    const dir = project({ 'compose.yaml': 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: hunter2-very-secret\n' });
    for (const format of ['sarif', 'json', 'text', 'github', 'junit']) {
      const r = await cli(['check', '--format', format, '--env', 'prod=compose.yaml'], { cwd: dir });
      expect(r.stdout + r.stderr, format).not.toContain('hunter2-very-secret');
    }
    const log = JSON.parse((await cli(['check', '--format', 'sarif', '--only', 'secrets', '--env', 'prod=compose.yaml'], { cwd: dir })).stdout) as {
      runs: { results: { ruleId: string; fixes?: unknown[]; properties: { fixable: boolean } }[] }[];
    };
    const secret = log.runs[0].results.find((x) => x.ruleId === 'secrets')!;
    expect(secret.properties.fixable).toBe(true);
    expect(secret.fixes).toBeUndefined();
    // masking touches prose only: a value that is also a word of a rule id leaves the ids alone
    const weak = project({ 'compose.yaml': 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: secret\n' });
    const j = JSON.parse((await cli(['check', '--format', 'json', '--only', 'secrets', '--env', 'prod=compose.yaml'], { cwd: weak })).stdout) as JsonReport;
    expect(j.findings.map((f) => f.id)).toEqual(['secrets']);
  });
});

describe('composemod check: suppressions', () => {
  it('next-line, line and file directives silence by rule or kind; an unused or unknown one is a finding', async () => {
    const dir = project({
      'compose.yaml':
        '# composemod-disable pin-images -- internal mirror, pinned by digest at deploy time\n' +
        'services:\n' +
        '  # composemod-disable-next-line add-volumes -- scratch cache\n' +
        '  cache:\n' +
        '    image: redis:latest\n' +
        '  web:  # composemod-disable-line add-volumes\n' +
        '    image: nginx\n' +
        '  # composemod-disable-next-line add-volume\n' +
        '  api:\n' +
        '    image: nginx:1.27.3\n',
    });
    const j = JSON.parse((await cli(['check', '--format', 'json', '--only', 'add-volumes,pin-images,unused-suppression'], { cwd: dir })).stdout) as JsonReport;
    const at = (line: number) => j.findings.filter((f) => f.line === line).map((f) => `${f.id}${f.suppressed ? ' (suppressed)' : ''}`);
    expect(at(4)).toEqual(['add-volumes (suppressed)']);
    expect(at(5)).toEqual(['pin-images/no-pin-source (suppressed)']);
    expect(j.findings.find((f) => f.line === 5)!.justification).toBe('internal mirror, pinned by digest at deploy time');
    // nothing of add-volumes on web's line: unused
    expect(at(6)).toEqual(['unused-suppression']);
    expect(j.findings.find((f) => f.line === 6)!.message).toMatch(/composemod-disable-line silences no finding of add-volumes on line 6/);
    expect(at(8)).toEqual(['unused-suppression']);
    expect(j.findings.find((f) => f.line === 8)!.message).toMatch(/names add-volume, which composemod does not have/);
    expect(j.summary.suppressed).toBe(3);
    // a suppression of a rule that did not run is not judged
    const only = JSON.parse((await cli(['check', '--format', 'json', '--only', 'unused-suppression'], { cwd: dir })).stdout) as JsonReport;
    expect(only.findings.map((f) => f.line)).toEqual([8]);
  });

  it('fix never fixes a suppressed finding', async () => {
    const text = 'services:\n  # composemod-disable-next-line add-volumes\n  cache:\n    image: redis:7.4.1\n';
    const dir = project({ 'compose.yaml': text });
    const r = await cli(['fix', '--only', 'add-volumes'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1 finding suppressed by composemod-disable comments: not fixed/);
    expect(readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).toBe(text);
  });
});

describe('fix --check is check over the rules with a fix', () => {
  it('the same findings as check --only <every fixable rule>, the same exit code', async () => {
    const dir = project(layered);
    const list = JSON.parse((await cli(['list', '--json'])).stdout) as { id: string; fixable: string | false; network: boolean }[];
    const fixable = list.filter((r) => r.fixable === 'safe' && !r.network).map((r) => r.id);
    const viaFix = await cli(['fix', '--check', '--json', ...envs], { cwd: dir });
    const viaCheck = await cli(['check', '--format', 'json', '--only', fixable.join(','), ...envs], { cwd: dir });
    expect(viaFix.code).toBe(viaCheck.code);
    expect(JSON.parse(viaFix.stdout)).toEqual(JSON.parse(viaCheck.stdout));
    expect(readdirSync(dir).sort()).toEqual(['compose.override.yaml', 'compose.prod.yaml', 'compose.yaml']);
  });
});
