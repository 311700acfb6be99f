/**
 * secrets: move secret-like environment variables out of compose files into Compose secrets.
 *
 * For every secret-like variable (see util/secret-names.ts for the pattern and the
 * `secretsAllow` / `secretsDeny` options) set in a service's `environment`:
 * - a literal value is written to `secrets/<name>.txt` (mode 0600, `secrets/` gitignored) and
 *   declared as `secrets: <name>: file: ./secrets/<name>.txt`;
 * - a plain `${VAR}` becomes `secrets: <name>: environment: VAR`;
 * - the service gets `secrets: [<name>]` (appended to its list, in the list's style);
 * - images known to read `<VAR>_FILE` (postgres, mysql, mariadb, mongo, ... see
 *   FILE_ENV_IMAGES) get `<VAR>_FILE: /run/secrets/<name>` instead of the variable;
 * - other images keep receiving the variable with the same value: a literal is replaced by
 *   `${<NAME>}` and `<NAME>='value'` is appended to `.env` (gitignored; Compose reads it for
 *   interpolation), and a warning names the `/run/secrets/<name>` file the app should read.
 *   `assumeFileSupport` switches those services to `<VAR>_FILE` too.
 * Values mixing text and variables (`postgres://u:${PW}@db`), `${VAR:-default}`, values a .env
 * file cannot hold verbatim, and entries reached through YAML aliases are left with a warning.
 * Literal values are registered with `ctx.mask` and never appear in notes or warnings.
 *
 * Multi-file projects: per environment, the file that sets a variable last owns it (the one
 * Compose takes the value from); every file that sets it is edited, and a variable is switched
 * to `<VAR>_FILE` only when every environment that sees it runs a `_FILE`-reading image.
 * Secrets are declared in the file that references them.
 */
import path from 'node:path';
import { isMap, isScalar, isSeq, isAlias } from 'yaml';
import type { ParsedNode, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Transform, TransformContext, ProjectFile, Environment } from './types.js';
import { nodeAt, notPhysical, keyValue, isMergeKey, services as listServices, type Path } from '../core/query.js';
import type { ComposeSource } from '../core/source.js';
import type { Editor } from '../core/edit.js';
import { classifyInterpolation, escapeInterpolation, type Interpolation } from './util/interpolation.js';
import { secretMatcher, imageReadsFileVar } from './util/secret-names.js';
import { parseDotenv, dotenvSafe, dotenvLine, appendLines, gitignoreHas } from './util/dotenv.js';

type Value =
  | { kind: 'null' }
  | { kind: 'empty' }
  | { kind: 'flag' }
  | { kind: 'unsupported' }
  | Interpolation;

interface Occurrence {
  file: ProjectFile;
  service: string;
  name: string;
  form: 'map' | 'list';
  envPath: Path;
  path: Path;
  value: Value;
  /** Source text of the value (without quotes), masked as well as the value itself. */
  raw: string;
  /** Names of environments in which this occurrence is the one Compose uses. */
  ownerIn: Set<string>;
}

interface Candidate {
  kind: 'literal' | 'variable';
  varName: string;
  /** literal: the value; variable: the interpolated variable name. */
  value: string;
  occurrences: Occurrence[];
  services: Set<string>;
  secretName?: string;
  /** .env variable carrying a literal for services that keep the environment variable. */
  dotenvName?: string;
}

const FLAG_VALUE = /^(true|false|yes|no|on|off)$/i;

function stringList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function sanitize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_.-]+/g, '_');
}

/** `compose.prod.yaml` -> `prod`, `docker-compose.override.yml` -> `override`. */
function fileTag(file: string): string {
  const base = path.basename(file).replace(/\.ya?ml$/i, '');
  const tag = base.replace(/^(docker-)?compose[.-]?/i, '');
  return sanitize(tag || base);
}

/** The text of a scalar value in the source, without its quotes. */
function scalarRaw(src: ComposeSource, node: Scalar.Parsed): string {
  const r = node.range;
  let t = src.text.slice(r[0], r[1]);
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') t = t.slice(1, -1);
  return t;
}

function classifyScalar(v: unknown): Value {
  if (v === null || v === undefined) return { kind: 'null' };
  if (typeof v === 'boolean') return { kind: 'flag' };
  if (typeof v === 'number' || typeof v === 'bigint') return { kind: 'literal', value: String(v) };
  if (typeof v !== 'string') return { kind: 'unsupported' };
  if (v === '') return { kind: 'empty' };
  if (FLAG_VALUE.test(v)) return { kind: 'flag' };
  // already a path to a mounted secret (`DATABASE_PASSWORD=/run/secrets/db-password`)
  if (v.startsWith('/run/secrets/')) return { kind: 'flag' };
  return classifyInterpolation(v);
}

/** `KEY: value` -> `NEW_KEY: newValue` in place, keeping the entry's position and comments. */
function renameMapEntry(ed: Editor, mapPath: Path, key: string, newKey: string, value: string): void {
  ed.replaceScalar([...mapPath, key], value);
  ed.renameKey([...mapPath, key], newKey);
}

export const secrets: Transform = {
  meta: {
    name: 'secrets',
    description: 'Move secret-like environment variables (PASSWORD, TOKEN, API_KEY, ...) into Compose secrets',
    rationale:
      'Values in `environment` are committed with the compose file and visible in `docker inspect`; secrets live in ' +
      'gitignored files and are mounted at /run/secrets/<name>.',
    network: false,
    options: [
      {
        name: 'secretsAllow',
        type: 'list',
        placeholder: 'NAME',
        description: 'also treat these variables as secrets (names or globs, e.g. DATABASE_URL, *_DSN)',
      },
      {
        name: 'secretsDeny',
        type: 'list',
        placeholder: 'NAME',
        description: 'never treat these variables as secrets (names or globs); wins over --secrets-allow',
      },
      {
        name: 'assumeFileSupport',
        type: 'boolean',
        default: false,
        description: 'switch every service to <VAR>_FILE=/run/secrets/<name>, not only images known to read *_FILE',
      },
    ],
  },
  run(ctx) {
    new SecretsFix(ctx).run();
  },
};

class SecretsFix {
  private readonly isSecret: (name: string) => boolean;
  private readonly assumeFile: boolean;
  private readonly occurrences: Occurrence[] = [];
  /** Top-level secret definitions of every file: name -> definitions. */
  private readonly declared = new Map<string, unknown[]>();

  constructor(private readonly ctx: TransformContext) {
    this.isSecret = secretMatcher(stringList(ctx.options.secretsAllow), stringList(ctx.options.secretsDeny));
    this.assumeFile = ctx.options.assumeFileSupport === true;
  }

  run(): void {
    const { project } = this.ctx;
    for (const file of project.files) {
      this.collect(file);
      const top = asObject(file.model.secrets);
      for (const [k, v] of Object.entries(top ?? {})) {
        const list = this.declared.get(k) ?? [];
        list.push(v);
        this.declared.set(k, list);
      }
    }
    if (!this.occurrences.length) return;
    for (const env of project.environments) this.markOwners(env);

    // Group per (service, variable): the mode must be the same in every file that sets it.
    const groups = new Map<string, Occurrence[]>();
    for (const o of this.occurrences) {
      const k = `${o.service}\0${o.name}`;
      const g = groups.get(k) ?? [];
      g.push(o);
      groups.set(k, g);
    }
    const fileMode = new Map<Occurrence, boolean>();
    const candidates = new Map<string, Candidate>();
    for (const group of groups.values()) {
      const useFile = this.decideFileMode(group);
      for (const o of group) {
        fileMode.set(o, useFile);
        const c = this.candidateFor(o, useFile);
        if (!c) continue;
        const key = c.kind === 'literal' ? `l\0${c.varName}\0${c.value}` : `v\0${c.value}`;
        const existing = candidates.get(key);
        if (existing) {
          existing.occurrences.push(o);
          existing.services.add(o.service);
        } else candidates.set(key, c);
      }
    }
    if (!candidates.size) return;
    // file order, then position in the file: names and declarations follow the text
    const fileIndex = (f: ProjectFile) => project.files.indexOf(f);
    const offset = (o: Occurrence) => nodeAt(o.file.source, o.path)?.range?.[0] ?? 0;
    const ordered = [...candidates.values()].sort((a, b) => {
      const x = a.occurrences[0];
      const y = b.occurrences[0];
      return fileIndex(x.file) - fileIndex(y.file) || offset(x) - offset(y);
    });
    this.nameCandidates(ordered, fileMode);
    this.applyAll(ordered, fileMode);
  }

  // ----- collection ---------------------------------------------------------------------

  private collect(file: ProjectFile): void {
    const src = file.source;
    for (const svc of listServices(src)) {
      const envPath: Path = ['services', svc.name, 'environment'];
      const ref = nodeAt(src, envPath);
      if (!ref || !ref.node) continue;
      const why = notPhysical(ref) ?? ((ref.node as { anchor?: string }).anchor ? 'it is an anchored node used elsewhere' : null);
      if (why) {
        const names = this.secretNamesInModel(asObject(asObject(file.model.services)?.[svc.name])?.environment);
        if (names.length)
          this.ctx.warn({
            file: file.path,
            service: svc.name,
            message: `${names.join(', ')} not moved to secrets: the environment of ${svc.name} cannot be edited in place (${why}); move ${names.length > 1 ? 'them' : 'it'} by hand`,
          });
        continue;
      }
      if (isMap(ref.node)) this.collectMap(file, svc.name, envPath, ref.node as YAMLMap.Parsed);
      else if (isSeq(ref.node)) this.collectList(file, svc.name, envPath, ref.node as YAMLSeq.Parsed);
    }
  }

  private secretNamesInModel(env: unknown): string[] {
    const names = Array.isArray(env)
      ? env.map((e) => String(e).split('=')[0])
      : Object.keys(asObject(env) ?? {});
    return names.filter((n) => this.isSecret(n));
  }

  private collectMap(file: ProjectFile, service: string, envPath: Path, map: YAMLMap.Parsed): void {
    const seen = new Set<string>();
    const found: Occurrence[] = [];
    for (let i = map.items.length - 1; i >= 0; i--) {
      const pair = map.items[i];
      if (isMergeKey(pair.key)) {
        const names = this.secretNamesInModel(asObject(asObject(asObject(file.model.services)?.[service])?.environment)).filter(
          (n) => !map.items.some((p) => !isMergeKey(p.key) && String(keyValue(p.key)) === n),
        );
        if (names.length)
          this.ctx.warn({
            file: file.path,
            service,
            message: `${names.join(', ')} not moved to secrets: inherited through a \`<<\` merge key in ${service}'s environment; move by hand`,
          });
        continue;
      }
      const name = String(keyValue(pair.key));
      if (seen.has(name)) continue;
      seen.add(name);
      if (!this.isSecret(name)) continue;
      const v = pair.value as ParsedNode | null;
      const p: Path = [...envPath, name];
      if (isAlias(v)) {
        this.ctx.warn({ file: file.path, service, message: `${name} of ${service} is an alias to an anchored value; not moved to secrets, move it by hand` });
        continue;
      }
      let value: Value;
      let raw = '';
      if (v === null || v === undefined) value = { kind: 'null' };
      else if (v.tag && !v.tag.startsWith('tag:yaml.org,2002:')) continue; // !reset, !override: leave
      else if (isScalar(v)) {
        value = classifyScalar(v.value);
        raw = scalarRaw(file.source, v as Scalar.Parsed);
      } else value = { kind: 'unsupported' };
      found.push({ file, service, name, form: 'map', envPath, path: p, value, raw, ownerIn: new Set() });
    }
    this.occurrences.push(...found.reverse());
  }

  private collectList(file: ProjectFile, service: string, envPath: Path, seq: YAMLSeq.Parsed): void {
    const last = new Map<string, number>();
    seq.items.forEach((item, i) => {
      if (isScalar(item) && item.value !== null) last.set(String(item.value).split('=')[0], i);
    });
    seq.items.forEach((item, i) => {
      if (!isScalar(item) || item.value === null || (item.tag && !item.tag.startsWith('tag:yaml.org,2002:'))) return;
      const text = String(item.value);
      const eq = text.indexOf('=');
      const name = eq === -1 ? text : text.slice(0, eq);
      if (last.get(name) !== i || !this.isSecret(name)) return;
      let value: Value;
      let raw = '';
      if (eq === -1) value = { kind: 'null' };
      else {
        value = classifyScalar(text.slice(eq + 1));
        const r = scalarRaw(file.source, item as Scalar.Parsed);
        const req = r.indexOf('=');
        raw = req === -1 ? '' : r.slice(req + 1);
      }
      this.occurrences.push({ file, service, name, form: 'list', envPath, path: [...envPath, i], value, raw, ownerIn: new Set() });
    });
  }

  private markOwners(env: Environment): void {
    const last = new Map<string, Occurrence>();
    for (const f of env.files)
      for (const o of this.occurrences) if (o.file === f) last.set(`${o.service}\0${o.name}`, o);
    for (const o of last.values()) o.ownerIn.add(env.name);
  }

  // ----- decisions ----------------------------------------------------------------------

  private envsOf(file: ProjectFile): Environment[] {
    return this.ctx.project.environments.filter((e) => e.files.includes(file));
  }

  private imageIn(env: Environment, service: string): string | undefined {
    const svc = asObject(asObject(env.merged.services)?.[service]);
    return typeof svc?.image === 'string' ? svc.image : undefined;
  }

  private decideFileMode(group: Occurrence[]): boolean {
    const processable = group.every((o) => (o.value.kind === 'literal' && o.value.value !== '') || o.value.kind === 'variable');
    if (!processable) return false;
    const { service, name } = group[0];
    // `<VAR>_FILE` must not already be set alongside, in any file that sets the variable.
    for (const o of group) {
      const env = asObject(asObject(asObject(o.file.model.services)?.[service])?.environment);
      const envModel = asObject(asObject(o.file.model.services)?.[service])?.environment;
      if (env && `${name}_FILE` in env) return false;
      if (Array.isArray(envModel) && envModel.some((e) => String(e).split('=')[0] === `${name}_FILE`)) return false;
    }
    if (this.assumeFile) return true;
    const envs = new Set(group.flatMap((o) => this.envsOf(o.file)));
    for (const env of envs) if (!imageReadsFileVar(this.imageIn(env, service), name)) return false;
    return envs.size > 0;
  }

  /** Secrets mounted by `service` in any environment that contains `file`. */
  private mounted(file: ProjectFile, service: string): Set<string> {
    const out = new Set<string>();
    for (const env of this.envsOf(file)) {
      const list = asObject(asObject(env.merged.services)?.[service])?.secrets;
      if (Array.isArray(list))
        for (const s of list) {
          if (typeof s === 'string') out.add(s);
          else if (asObject(s) && typeof asObject(s)?.source === 'string') out.add(asObject(s)!.source as string);
        }
    }
    return out;
  }

  private candidateFor(o: Occurrence, useFile: boolean): Candidate | undefined {
    const v = o.value;
    const where = `${o.service}.environment.${o.name}`;
    if (v.kind === 'literal') {
      this.mask(v.value, o.raw);
      if (!useFile && !dotenvSafe(v.value)) {
        this.ctx.warn({
          file: o.file.path,
          service: o.service,
          message: `${where} not moved: its value holds a quote, backslash or line break that a .env file cannot carry verbatim, and ${o.service} is not known to read ${o.name}_FILE; move it by hand (or use --assume-file-support)`,
        });
        return undefined;
      }
      return { kind: 'literal', varName: o.name, value: v.value, occurrences: [o], services: new Set([o.service]) };
    }
    if (v.kind === 'variable') {
      if (!useFile) {
        // already mounted (e.g. by an earlier run): nothing to do
        const mounted = this.mounted(o.file, o.service);
        for (const m of mounted) {
          const defs = this.declared.get(m) ?? [];
          if (m === sanitize(v.name) || defs.some((d) => asObject(d)?.environment === v.name)) return undefined;
        }
      }
      return { kind: 'variable', varName: o.name, value: v.name, occurrences: [o], services: new Set([o.service]) };
    }
    if (v.kind === 'partial') {
      if (o.raw) this.ctx.mask(o.raw);
      this.ctx.warn({
        file: o.file.path,
        service: o.service,
        message: v.hasDefault
          ? `${where} not moved: it is interpolated with a default written in the compose file (\${VAR:-...}); put the value in .env and use a plain \${${v.names[0] ?? 'VAR'}}`
          : `${where} not moved: it mixes text and variables (${v.names.map((n) => `\${${n}}`).join(', ') || 'a `$` sequence'}); if it embeds a credential, move that part to a variable by hand`,
      });
      return undefined;
    }
    if (v.kind === 'unsupported') {
      this.ctx.warn({ file: o.file.path, service: o.service, message: `${where} not moved: its value is not a string` });
    }
    return undefined;
  }

  private mask(value: string, raw: string): void {
    this.ctx.mask(value);
    const escaped = escapeInterpolation(value);
    if (escaped !== value) this.ctx.mask(escaped);
    if (raw) this.ctx.mask(raw);
  }

  // ----- naming ---------------------------------------------------------------------------

  private baseDir(file: ProjectFile): string {
    const env = this.envsOf(file)[0];
    const first = env ? env.files[0].path : file.path;
    return path.relative(this.ctx.project.dir, path.dirname(path.resolve(this.ctx.project.dir, first))) || '.';
  }

  private rel(dir: string, p: string): string {
    return dir === '.' ? p : path.join(dir, p);
  }

  private nameCandidates(cands: Candidate[], fileMode: Map<Occurrence, boolean>): void {
    const taken = new Map<string, Candidate>();
    const dotenvs = new Map<string, ReturnType<typeof parseDotenv>>();
    const dotenvFor = (dir: string) => {
      let d = dotenvs.get(dir);
      if (!d) {
        d = parseDotenv(this.ctx.readFile(this.rel(dir, '.env')) ?? '');
        dotenvs.set(dir, d);
      }
      return d;
    };
    for (const c of cands) {
      const first = c.occurrences[0];
      const dir = this.baseDir(first.file);
      const svc = sanitize(first.service);
      const v = sanitize(c.varName);
      // service + variable, without repeating the service (`mysql` + MYSQL_PASSWORD -> mysql_password)
      const own = v === svc || v.startsWith(`${svc}_`) ? v : `${svc}_${v}`;
      const base = c.kind === 'variable' ? sanitize(c.value) : c.services.size > 1 ? v : own;
      const needsDotenv = c.kind === 'literal' && c.occurrences.some((o) => !fileMode.get(o));
      const ok = (name: string): boolean => {
        if (taken.has(name)) return false;
        const defs = this.declared.get(name);
        if (defs) {
          const want = this.definition(c, name, dir);
          if (!defs.every((d) => JSON.stringify(d) === JSON.stringify(want))) return false;
          if (c.kind === 'literal') {
            const current = this.ctx.readFile(this.rel(dir, `secrets/${name}.txt`));
            if (current !== null && current !== c.value) return false;
          }
        } else if (c.kind === 'literal') {
          const current = this.ctx.readFile(this.rel(dir, `secrets/${name}.txt`));
          if (current !== null && current !== c.value) return false;
        }
        if (needsDotenv) {
          const e = dotenvFor(dir).get(name.toUpperCase());
          if (e && e.value !== c.value) return false;
        }
        return true;
      };
      const tries = [base, `${base}_${fileTag(first.file.path)}`];
      let name = tries.find(ok);
      for (let n = 2; !name; n++) if (ok(`${base}_${n}`)) name = `${base}_${n}`;
      taken.set(name, c);
      c.secretName = name;
      if (needsDotenv) c.dotenvName = name.toUpperCase();
    }
  }

  private definition(c: Candidate, name: string, _dir: string): Record<string, string> {
    return c.kind === 'literal' ? { file: `./secrets/${name}.txt` } : { environment: c.value };
  }

  // ----- edits ----------------------------------------------------------------------------

  private applyAll(cands: Candidate[], fileMode: Map<Occurrence, boolean>): void {
    const ctx = this.ctx;
    const declaredIn = new Set<string>(); // file \0 name
    const mountedIn = new Set<string>(); // file \0 service \0 name
    const dotenvLines = new Map<string, string[]>(); // dir -> lines
    const secretDirs = new Set<string>();
    const dotenvDirs = new Set<string>();

    for (const c of cands) {
      const name = c.secretName!;
      for (const o of c.occurrences) {
        const ed = ctx.editor(o.file);
        const useFile = fileMode.get(o)!;
        const dir = this.baseDir(o.file);
        const target = `/run/secrets/${name}`;
        // 1. the variable
        if (useFile) {
          const fileVar = `${o.name}_FILE`;
          if (o.form === 'list') ed.replaceScalar(o.path, `${fileVar}=${target}`);
          else renameMapEntry(ed, o.envPath, o.name, fileVar, target);
        } else if (c.kind === 'literal') {
          const ref = '${' + c.dotenvName + '}';
          ed.replaceScalar(o.path, o.form === 'list' ? `${o.name}=${ref}` : ref);
          const lines = dotenvLines.get(dir) ?? [];
          const line = dotenvLine(c.dotenvName!, c.value);
          const existing = parseDotenv(ctx.readFile(this.rel(dir, '.env')) ?? '').get(c.dotenvName!);
          if (!existing && !lines.includes(line)) lines.push(line);
          dotenvLines.set(dir, lines);
          dotenvDirs.add(dir);
        }
        // 2. the mount
        const mk = `${o.file.path}\0${o.service}\0${name}`;
        if (!mountedIn.has(mk)) {
          mountedIn.add(mk);
          this.mount(o.file, o.service, name);
        }
        // 3. the declaration
        const dk = `${o.file.path}\0${name}`;
        if (!declaredIn.has(dk)) {
          declaredIn.add(dk);
          const top = asObject(o.file.model.secrets);
          if (!top || !(name in top)) ed.setIn(['secrets', name], this.definition(c, name, dir));
        }
        // 4. files
        if (c.kind === 'literal') {
          ctx.writeFile(this.rel(dir, `secrets/${name}.txt`), c.value, { mode: 0o600 });
          secretDirs.add(dir);
        }
        // 5. report
        const source = c.kind === 'literal' ? `./secrets/${name}.txt` : `the ${c.value} variable`;
        if (useFile) {
          const assumed = this.assumeFile && !imageReadsFileVar(this.imagesOf(o)[0], o.name);
          ctx.note({
            file: o.file.path,
            service: o.service,
            message: `${o.name} -> ${o.name}_FILE=${target} (secret ${name} from ${source})`,
            reason: `${assumed ? `--assume-file-support: the app is taken to read ${o.name}_FILE` : `the image reads ${o.name}_FILE`}; the value no longer sits in the compose file nor in the container's environment`,
          });
          if (assumed)
            ctx.warn({
              file: o.file.path,
              service: o.service,
              message: `${o.service} no longer receives ${o.name}: it must read the value from the file named by ${o.name}_FILE (${target})`,
            });
        } else {
          ctx.note({
            file: o.file.path,
            service: o.service,
            message:
              c.kind === 'literal'
                ? `${o.name} now comes from .env (\${${c.dotenvName}}); secret ${name} mounted from ${source}`
                : `secret ${name} (from ${source}) mounted at ${target}`,
            reason:
              c.kind === 'literal'
                ? 'the literal value no longer sits in the compose file; .env is gitignored'
                : 'the app can read the secret from a file instead of its environment',
          });
          ctx.warn({
            file: o.file.path,
            service: o.service,
            message: `${o.service} still receives ${o.name} as an environment variable${c.kind === 'literal' ? ' (now interpolated from .env)' : ''}; make the app read ${target} (or support ${o.name}_FILE) and then remove ${o.name}`,
          });
        }
      }
    }

    const dotenvExisted = new Map<string, boolean>();
    for (const dir of dotenvDirs) dotenvExisted.set(dir, ctx.readFile(this.rel(dir, '.env')) !== null);
    for (const [dir, lines] of dotenvLines) {
      if (!lines.length) continue;
      const p = this.rel(dir, '.env');
      // created private (it holds the values); an existing .env keeps its mode
      ctx.writeFile(p, appendLines(ctx.readFile(p), lines), { mode: 0o600 });
    }
    for (const dir of new Set([...secretDirs, ...dotenvDirs])) {
      const p = this.rel(dir, '.gitignore');
      const current = ctx.readFile(p);
      const add: string[] = [];
      if (secretDirs.has(dir) && !gitignoreHas(current, 'secrets/')) add.push('secrets/');
      if (dotenvDirs.has(dir) && !gitignoreHas(current, '.env')) {
        add.push('.env');
        if (dotenvExisted.get(dir))
          ctx.warn({
            file: p,
            message: `.env existed and was not gitignored: it is ignored now, but if git already tracks it run \`git rm --cached ${this.rel(dir, '.env')}\``,
          });
      }
      if (add.length) ctx.writeFile(p, appendLines(current, add));
    }
  }

  private imagesOf(o: Occurrence): (string | undefined)[] {
    return this.envsOf(o.file).map((e) => this.imageIn(e, o.service));
  }

  private readonly createdLists = new Set<string>();

  /** Add `name` to the service's `secrets` list in `file` (or create the list). */
  private mount(file: ProjectFile, service: string, name: string): void {
    const ed = this.ctx.editor(file);
    const p: Path = ['services', service, 'secrets'];
    const ref = nodeAt(file.source, p);
    const created = `${file.path}\0${service}`;
    if (!ref) {
      if (this.createdLists.has(created)) ed.appendItem(p, name);
      else ed.insertPair(['services', service], 'secrets', [name], { after: 'environment' });
      this.createdLists.add(created);
      return;
    }
    const list = asObject(file.model.services)?.[service] as Record<string, unknown> | undefined;
    const current = list?.secrets;
    const has = Array.isArray(current) && current.some((s) => s === name || asObject(s)?.source === name);
    if (has) return;
    if (notPhysical(ref) || !(isSeq(ref.node) || ref.node === null)) {
      this.ctx.warn({ file: file.path, service, message: `${service} must mount secret ${name}, but its secrets list cannot be edited in place; add it by hand` });
      return;
    }
    ed.appendItem(p, name);
  }
}
