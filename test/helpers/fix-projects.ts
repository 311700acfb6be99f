/**
 * Projects the fix tests run on: the fix fixtures (fixtures/<fix>/<case>/ with args.json) and
 * the shared corpus (each file of corpus/single alone; each directory of corpus/pairs with the
 * environments detection finds, or one per file when the layout is ambiguous).
 */
import { readdirSync, readFileSync, existsSync, statSync, mkdtempSync, cpSync, copyFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { parse } from 'yaml';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ProjectTarget as FixTarget } from '../../src/core/targets.js';
import type { FixSettings } from '../../src/rules/settings.js';
import { detectProject } from '../../src/core/discover.js';
import { projectRoot, corpusSingle, corpusPairs } from './shared.js';

export interface CaseArgs {
  env?: Record<string, string[]>;
  options?: Record<string, unknown>;
  settings?: FixSettings;
  warnings?: string[];
  info?: string[];
  notes?: string[];
}

export interface FixtureCase {
  fix: string;
  name: string;
  dir: string;
  args: CaseArgs;
}

/** Every case of fixtures/<fix>/ for the given fixes. */
export function fixtureCases(fixes: readonly string[]): FixtureCase[] {
  const out: FixtureCase[] = [];
  for (const fix of fixes) {
    const fixDir = path.join(projectRoot, 'fixtures', fix);
    if (!existsSync(fixDir)) continue;
    for (const name of readdirSync(fixDir).sort()) {
      const dir = path.join(fixDir, name);
      if (!statSync(dir).isDirectory()) continue;
      const argsPath = path.join(dir, 'args.json');
      out.push({ fix, name, dir, args: existsSync(argsPath) ? (JSON.parse(readFileSync(argsPath, 'utf8')) as CaseArgs) : {} });
    }
  }
  return out;
}

/** The environments of a fixture copied to `dir`: args.json's, else one per compose file. */
export function fixtureTarget(dir: string, args: CaseArgs): FixTarget {
  if (args.env)
    return {
      dir,
      environments: Object.entries(args.env).map(([name, files]) => ({ name, files: files.map((f) => path.join(dir, f)) })),
    };
  const composeFiles = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  return { dir, environments: composeFiles.map((f) => ({ name: f, files: [path.join(dir, f)] })) };
}

/** A fixture's input in a fresh temporary directory. */
export function fixtureCopy(c: FixtureCase): FixTarget {
  const work = mkdtempSync(path.join(tmpdir(), `cm-${c.fix}-`));
  cpSync(path.join(c.dir, 'input'), work, { recursive: true });
  return fixtureTarget(work, c.args);
}

export interface CorpusProject {
  /** `single/<file>` or `pairs/<dir>`. */
  name: string;
  /** Copies the project to a fresh temporary directory and returns its environments. */
  copy(): Promise<FixTarget>;
}

/** Every project of the shared corpus (empty when it is absent). */
export function corpusProjects(): CorpusProject[] {
  const out: CorpusProject[] = [];
  if (existsSync(corpusSingle))
    for (const f of readdirSync(corpusSingle).sort()) {
      if (!/\.ya?ml$/.test(f)) continue;
      out.push({
        name: `single/${f}`,
        async copy() {
          const dir = mkdtempSync(path.join(tmpdir(), 'cm-corpus-'));
          const file = path.join(dir, 'compose.yaml');
          copyFileSync(path.join(corpusSingle, f), file);
          return { dir, environments: [{ name: 'default', files: [file] }] };
        },
      });
    }
  if (existsSync(corpusPairs))
    for (const d of readdirSync(corpusPairs).sort()) {
      const src = path.join(corpusPairs, d);
      if (!statSync(src).isDirectory()) continue;
      out.push({
        name: `pairs/${d}`,
        async copy() {
          const dir = mkdtempSync(path.join(tmpdir(), 'cm-corpus-'));
          const files = readdirSync(src).filter((f) => /\.ya?ml$/.test(f)).sort();
          for (const f of files) copyFileSync(path.join(src, f), path.join(dir, f));
          try {
            const found = await detectProject(dir);
            if (found.environments.length) return { dir, environments: found.environments };
          } catch {
            /* ambiguous: one environment per file */
          }
          return { dir, environments: files.map((f) => ({ name: f.replace(/\.ya?ml$/, ''), files: [path.join(dir, f)] })) };
        },
      });
    }
  return out;
}

/**
 * Empty stand-ins for the `env_file`s a corpus project names but does not ship (its `.env`,
 * `db.env`...), inside the project directory only, so Compose can load it and the referee can
 * compare it. Created before anything runs: both sides of a comparison see them.
 */
export function addMissingEnvFiles(target: FixTarget): void {
  const root = path.resolve(target.dir);
  for (const file of new Set(target.environments.flatMap((e) => e.files))) {
    let model: unknown;
    try {
      model = parse(readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    const services = (model as { services?: Record<string, { env_file?: unknown }> } | null)?.services;
    if (!services || typeof services !== 'object') continue;
    for (const svc of Object.values(services)) {
      const list = svc && typeof svc === 'object' ? svc.env_file : undefined;
      for (const ef of Array.isArray(list) ? list : list === undefined ? [] : [list]) {
        const p = typeof ef === 'string' ? ef : ef && typeof ef === 'object' ? (ef as { path?: unknown }).path : undefined;
        if (typeof p !== 'string' || p.includes('$')) continue;
        const abs = path.resolve(path.dirname(file), p);
        const rel = path.relative(root, abs);
        if (rel.startsWith('..') || path.isAbsolute(rel) || existsSync(abs)) continue;
        mkdirSync(path.dirname(abs), { recursive: true });
        writeFileSync(abs, '');
      }
    }
  }
}
