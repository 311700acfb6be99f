/**
 * The real tools as referee of the fixes: `docker compose config --format json` (interpolated,
 * every profile) of each environment before and after, turned into the same "what each
 * container gets" view the intent check compares (built here from Compose's own output, not by
 * composemod's loader), and checked against the deltas the fixes declared; and
 * `podman-compose --dry-run up -d` on the output of a `--runtime podman-compose` run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeConfig, podmanComposeRun } from './reference.js';
import { containerView, type EnvironmentView, type ContainerView, type MountedSecret, type MountView } from '../../src/rules/intent/view.js';
import { checkIntent, type Violation } from '../../src/rules/intent/check.js';
import { mountedFileReader } from '../../src/rules/lib/references.js';
import { parseDotenv } from '../../src/rules/util/dotenv.js';
import type { Intent } from '../../src/rules/intent/deltas.js';
import type { FixTarget } from './run-fixes.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function read(p: string): string | null {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

function unescapeDollars(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/\$\$/g, '$');
  if (Array.isArray(v)) return v.map(unescapeDollars);
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unescapeDollars(x)]));
  return v;
}

/** What each container gets, from Compose's own `config --format json` output. */
export function refereeView(name: string, dir: string, json: Obj, envFiles?: string[]): EnvironmentView {
  const vars = new Map<string, string>();
  for (const f of envFiles?.length ? envFiles : [path.join(dir, '.env')])
    for (const [k, e] of parseDotenv(read(f) ?? '')) if (e.value !== null) vars.set(k, e.value);
  const topSecrets = isObj(json.secrets) ? json.secrets : {};
  const services = new Map<string, ContainerView>();
  for (const [svcName, raw] of Object.entries(isObj(json.services) ? json.services : {})) {
    // `config` writes its output to be loaded again: a `$` the container gets is written `$$`
    // (in the environment, and in every other string: healthcheck tests, commands)
    const svc = unescapeDollars(isObj(raw) ? raw : {}) as Obj;
    const environment = new Map<string, string | null>();
    for (const [k, v] of Object.entries(isObj(svc.environment) ? svc.environment : {})) environment.set(k, v === null ? null : String(v));
    const secrets = new Map<string, MountedSecret>();
    for (const s of Array.isArray(svc.secrets) ? svc.secrets : []) {
      if (!isObj(s) || typeof s.source !== 'string') continue;
      const target = typeof s.target === 'string' ? s.target : `/run/secrets/${s.source}`;
      const def = isObj(topSecrets[s.source]) ? (topSecrets[s.source] as Obj) : {};
      const source: MountedSecret['source'] =
        typeof def.file === 'string'
          ? { kind: 'file', path: def.file, content: read(path.resolve(dir, def.file)) }
          : typeof def.environment === 'string'
            ? // Compose reads it from the shell (clean here) and .env: unset is empty
              { kind: 'environment', variable: def.environment, content: vars.get(def.environment) ?? '' }
            : { kind: 'other', description: JSON.stringify(def), content: JSON.stringify(def) };
      secrets.set(target, { name: s.source, target, source });
    }
    const networks = new Set<string>(svc.network_mode === undefined && isObj(svc.networks) ? Object.keys(svc.networks) : []);
    const volumes = new Map<string, MountView>();
    for (const v of Array.isArray(svc.volumes) ? svc.volumes : []) {
      if (!isObj(v) || typeof v.target !== 'string') continue;
      volumes.set(v.target, { target: v.target, type: String(v.type ?? 'volume'), ...(typeof v.source === 'string' ? { source: v.source } : {}) });
    }
    services.set(svcName, containerView(svcName, svc, { environment, secrets, networks, volumes }));
  }
  return { name, dir, services, problems: [] };
}

export interface RefereeOutcome {
  /** Environments compared (Compose accepted them before). */
  compared: number;
  /** Environments Compose refused already before the fixes (not compared). */
  refusedBefore: string[];
  /** Environments Compose refused after the fixes only. */
  refusedAfter: string[];
  violations: Violation[];
}

/** `docker compose config --format json` of every environment (null: Compose refused it, with why). */
export async function configs(target: FixTarget): Promise<Map<string, { json: Obj | null; error: string }>> {
  const out = new Map<string, { json: Obj | null; error: string }>();
  for (const env of target.environments) {
    const r = await composeConfig({
      cwd: target.dir,
      files: env.files.map((f) => path.relative(target.dir, f)),
      projectName: 'referee',
      format: 'json',
      envFiles: env.envFiles,
      profiles: ['*'],
    });
    let json: Obj | null = null;
    if (r.code === 0)
      try {
        json = JSON.parse(r.stdout) as Obj;
      } catch {
        json = null;
      }
    out.set(env.name, { json, error: r.stderr.trim().split('\n').pop() ?? '' });
  }
  return out;
}

/** Compose's before/after of every environment against the declared intents. */
export function referee(target: FixTarget, before: Map<string, { json: Obj | null; error: string }>, after: Map<string, { json: Obj | null; error: string }>, intents: readonly Intent[]): RefereeOutcome {
  const outcome: RefereeOutcome = { compared: 0, refusedBefore: [], refusedAfter: [], violations: [] };
  const b: EnvironmentView[] = [];
  const a: EnvironmentView[] = [];
  for (const env of target.environments) {
    const x = before.get(env.name)!;
    const y = after.get(env.name)!;
    if (!x.json) {
      outcome.refusedBefore.push(`${env.name}: ${x.error}`);
      continue;
    }
    if (!y.json) {
      outcome.refusedAfter.push(`${env.name}: ${y.error}`);
      continue;
    }
    outcome.compared++;
    b.push(refereeView(env.name, target.dir, x.json, env.envFiles));
    a.push(refereeView(env.name, target.dir, y.json, env.envFiles));
  }
  const known = new Set(b.map((v) => v.name));
  const mounted = mountedFileReader(target.dir, read);
  outcome.violations = checkIntent(b, a, intents.filter((d) => known.has(d.env)), () => mounted);
  return outcome;
}

/** `podman-compose --dry-run up -d` of one environment: null when accepted, else the error line. */
export async function podmanUp(target: FixTarget, env: FixTarget['environments'][number], retry = true): Promise<string | null> {
  const r = await podmanComposeRun(
    env.files.map((f) => path.relative(target.dir, f)),
    ['up', '-d'],
    { cwd: target.dir, dryRun: true, projectName: 'referee' },
  );
  if (r.code === 0) return null;
  // killed by the tool timeout on a loaded machine: no output at all; try once more
  if (retry && !r.stdout.trim() && !r.stderr.trim()) return podmanUp(target, env, false);
  const lines = `${r.stderr}\n${r.stdout}`.trim().split('\n').filter(Boolean);
  return lines.find((l) => /Error|error:|ERROR/.test(l)) ?? lines.pop() ?? `exit ${r.code}`;
}
