/**
 * secrets: move secret-like environment variables out of compose files into Compose secrets.
 *
 * For every secret-like variable (see util/secret-names.ts for the pattern and the
 * `secretsAllow` / `secretsDeny` options) set in a service's `environment`:
 * - a literal value is written to `secrets/<name>.txt` (mode 0600, `secrets/` gitignored) and
 *   declared as `secrets: <name>: file: ./secrets/<name>.txt`; the bytes are what the container
 *   got (YAML 1.1 numbers as Compose reads them: `0123` is `83`);
 * - a plain `${VAR}` becomes `secrets: <name>: environment: VAR` (Docker Compose >= 2.23.1;
 *   never for podman-compose, which refuses such secrets at `up`: those are left, with a note);
 * - the service gets `secrets: [<name>]` (appended to its list, in the list's style);
 * - images known to read `<VAR>_FILE` (postgres, mysql, mariadb, mongo, ... see
 *   FILE_ENV_IMAGES; the image as interpolated) get `<VAR>_FILE: /run/secrets/<name>` and lose
 *   the variable; other images keep receiving the variable with the same value: a literal is
 *   replaced by `${<NAME>}` and `<NAME>='value'` is appended to `.env` (gitignored), and a
 *   warning names the `/run/secrets/<name>` file the app should read. `assumeFileSupport`
 *   switches those services to `<VAR>_FILE` too.
 * When literals move, `.env.example` lists the new variable names and secret files (never the
 * values), so a fresh clone knows what to provide.
 *
 * Never moved (each with a finding):
 * - literals of the local/dev environment (`devSecrets: keep`, the default): moving a committed
 *   dev default into gitignored files leaves fresh clones and CI with blank values;
 * - a value another environment overrides (the edit would reach that environment too), or,
 *   for `<VAR>_FILE`, one that another file of the environment also sets;
 * - a variable a healthcheck, command or entrypoint reads (`PGPASSWORD=$$POSTGRES_PASSWORD`):
 *   it stays until a human reads the secret file there;
 * - values mixing text and variables, `${VAR:-default}`, values a .env file cannot hold
 *   verbatim, entries reached through YAML aliases. Credentials written inside URLs
 *   (`postgres://user:pw@db/app`) are flagged with their line.
 *
 * Names: secret names are `[a-z0-9_]`, .env variables `[A-Z_][A-Z0-9_]*`, and both are free in
 * every compose file, `.env`, `--env-file` and `env_file` of the project (a generated variable
 * never reads another environment's value). Every change is declared (`secret-delivers`) for
 * each environment it reaches; the runner checks the bytes arrive unchanged.
 *
 * Linear in the number of services: one pass collects, one decides, one names, one edits.
 */
import path from 'node:path';
import { isMap, isScalar, isSeq, isAlias } from 'yaml';
import type { ParsedNode, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { FixEditor, Fixer, Rule, RuleContext, Severity } from './types.js';
import type { ComposeFile as ProjectFile, Environment } from './project.js';
import { nodeAt, notPhysical, keyValue, isMergeKey, services as listServices, type Path } from '../core/query.js';
import type { ComposeSource } from '../core/source.js';
import { isDevName } from '../core/discover.js';
import { goString } from '../core/merge/values.js';
import { applyDefaults, classifyInterpolation, escapeInterpolation, interpolate, referencedVariables, UNKNOWN, type Interpolation, type VariableLookup } from './util/interpolation.js';
import { secretMatcher, imageReadsFileVar } from './util/secret-names.js';
import { parseDotenv, dotenvSafe, dotenvLine, appendLines, gitignoreHas } from './util/dotenv.js';
import { secretDelivers } from './intent/deltas.js';
import { variableLookup } from './intent/view.js';
import { isObj, stringList, strings, type Obj } from '../core/plain.js';
import { serviceOf } from './lib/services.js';

type Value = { kind: 'null' } | { kind: 'empty' } | { kind: 'flag' } | { kind: 'unsupported' } | Interpolation;

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
  /** 1-based line of the entry. */
  line: number;
  /** Environments containing the file (and the service). */
  envs: Environment[];
  /** Environments where a later file sets the variable again (this value is not what they get). */
  shadowed: Environment[];
  /** Environments where an earlier file sets it too (its entry would remain). */
  layered: Environment[];
}

type Mode = 'file-var' | 'env-var';

interface Candidate {
  kind: 'literal' | 'variable';
  varName: string;
  /** literal: the value; variable: the interpolated variable name. */
  value: string;
  occurrences: { o: Occurrence; mode: Mode }[];
  services: Set<string>;
  secretName?: string;
  /** .env variable carrying a literal for services that keep the environment variable. */
  dotenvName?: string;
}

const FLAG_VALUE = /^(true|false|yes|no|on|off)$/i;
const URL_CREDENTIAL = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/:@]+):([^\s/@]+)@/i;

/** A secret name: lower-case letters, digits and `_` (Compose accepts more; nothing else needs quoting). */
function secretIdent(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(s) ? s : `s_${s}`;
}

/** The text of a scalar value in the source, without its quotes. */
function scalarRaw(src: ComposeSource, node: Scalar.Parsed): string {
  const r = node.range;
  let t = src.text.slice(r[0], r[1]);
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') t = t.slice(1, -1);
  return t;
}

/** Classifies the value the container gets (a string as Compose reads it). */
function classifyValue(v: unknown): Value {
  if (v === null || v === undefined) return { kind: 'null' };
  if (typeof v === 'boolean') return { kind: 'flag' };
  if (typeof v === 'number' || typeof v === 'bigint') return { kind: 'literal', value: goString(v) };
  if (typeof v !== 'string') return { kind: 'unsupported' };
  if (v === '') return { kind: 'empty' };
  if (FLAG_VALUE.test(v)) return { kind: 'flag' };
  // already a path to a mounted secret (`DATABASE_PASSWORD=/run/secrets/db-password`)
  if (v.startsWith('/run/secrets/')) return { kind: 'flag' };
  return classifyInterpolation(v);
}

/** `KEY: value` -> `NEW_KEY: newValue` in place, keeping the entry's position and comments. */
function renameMapEntry(ed: FixEditor, mapPath: Path, key: string, newKey: string, value: string): void {
  ed.replaceScalar([...mapPath, key], value);
  ed.renameKey([...mapPath, key], newKey);
}

/** A finding in the shape the collection code builds it (the kind as `id`). */
interface Found {
  id: string;
  severity?: Severity;
  file?: string;
  line?: number;
  service?: string;
  message: string;
}

const rule: Rule = {
  meta: {
    id: 'secrets',
    description: 'Move secret-like environment variables (PASSWORD, TOKEN, API_KEY, ...) into Compose secrets',
    rationale:
      'Values in `environment` are committed with the compose file and visible in `docker inspect`; secrets live in ' +
      'gitignored files and are mounted at /run/secrets/<name>.',
    severity: 'warning',
    fixable: 'safe',
    docs: 'docs/rules/secrets.md',
    kinds: {
      'credential-in-url': { severity: 'warning', description: 'a password written inside a URL value (`postgres://user:pw@db/app`)' },
      'not-movable': { severity: 'warning', description: 'a secret-like value that cannot be moved as a whole (mixes text and variables, a default, not a string, a .env cannot carry it)' },
      'not-editable': { severity: 'warning', description: 'the environment or secrets list is reached through an alias or `<<`' },
      'read-by-command': { severity: 'warning', description: 'a healthcheck, command or entrypoint reads the variable: it must read the secret file first' },
      overridden: { severity: 'note', description: 'another environment overrides the value: a change here would reach it too' },
      'dev-literal-kept': { severity: 'note', description: 'a committed default of the local/dev environment, kept so fresh clones still start (--dev-secrets move moves it)' },
      'environment-secret-unsupported': { severity: 'note', description: 'the target (podman-compose, Compose < 2.23.1) cannot read a secret from a variable' },
      'still-in-environment': { severity: 'warning', description: 'after the fix: the app still receives the variable; it should read /run/secrets/<name>' },
      'assumed-file-support': { severity: 'warning', description: 'after the fix with --assume-file-support: the app must read <VAR>_FILE' },
      'dotenv-tracked': { severity: 'warning', description: 'after the fix: .env was not gitignored; git may still track it' },
    },
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
      {
        name: 'devSecrets',
        type: 'string',
        values: ['keep', 'move'],
        placeholder: 'keep|move',
        default: 'keep',
        description:
          'committed literals of the local/dev environment: keep them (default: a fresh clone still starts) or move them into gitignored files',
      },
    ],
  },
  check(ctx) {
    new SecretsFix(ctx).run();
  },
};

export default rule;

class SecretsFix {
  private readonly isSecret: (name: string) => boolean;
  private readonly assumeFile: boolean;
  private readonly moveDev: boolean;
  private readonly occurrences: Occurrence[] = [];
  /** Top-level secret definitions of every file: name -> definitions. */
  private readonly declared = new Map<string, unknown[]>();
  /** Variable names in use anywhere (compose interpolation, .env, --env-file, env_file). */
  private readonly usedVars = new Set<string>();
  private readonly envsOfFile = new Map<ProjectFile, Environment[]>();

  constructor(private readonly ctx: RuleContext) {
    this.isSecret = secretMatcher(stringList(ctx.options.secretsAllow), stringList(ctx.options.secretsDeny));
    this.assumeFile = ctx.options.assumeFileSupport === true;
    const dev = ctx.options.devSecrets ?? 'keep';
    if (dev !== 'keep' && dev !== 'move') throw new Error(`--dev-secrets: expected keep or move, got ${String(dev)}`);
    this.moveDev = dev === 'move';
  }

  private warn(f: Found): void {
    const { id, ...rest } = f;
    this.ctx.report({ kind: id, ...rest });
  }

  private info(f: Found): void {
    this.warn({ severity: 'note', ...f });
  }

  run(): void {
    const { project } = this.ctx;
    for (const f of project.files) this.envsOfFile.set(f, project.environments.filter((e) => e.files.includes(f)));
    for (const file of project.files) {
      this.collect(file);
      for (const [k, v] of Object.entries(isObj(file.model.secrets) ? file.model.secrets : {})) {
        const list = this.declared.get(k) ?? [];
        list.push(v);
        this.declared.set(k, list);
      }
    }
    if (!this.occurrences.length) return;
    this.collectUsedVariables();
    this.markLayers();

    const candidates = new Map<string, Candidate>();
    for (const o of this.occurrences) {
      const decided = this.decide(o);
      if (!decided) continue;
      const { kind, value } = decided;
      const key = kind === 'literal' ? `l\0${o.name}\0${value}` : `v\0${value}`;
      const c = candidates.get(key) ?? { kind, varName: o.name, value, occurrences: [], services: new Set<string>() };
      c.occurrences.push({ o, mode: decided.mode });
      c.services.add(o.service);
      candidates.set(key, c);
    }
    if (!candidates.size) return;
    // names and declarations follow the text: occurrences were collected in file order
    const ordered = [...candidates.values()];
    this.nameCandidates(ordered);
    this.applyAll(ordered);
  }

  // ----- collection ---------------------------------------------------------------------

  private collect(file: ProjectFile): void {
    const src = file.source;
    const envs = this.envsOfFile.get(file) ?? [];
    for (const svc of listServices(src)) {
      const svcEnvs = envs.filter((e) => serviceOf(e.merged, svc.name) !== undefined);
      const envPath: Path = ['services', svc.name, 'environment'];
      const ref = nodeAt(src, envPath);
      if (!ref || !ref.node) continue;
      const model = serviceOf(file.model, svc.name)?.environment;
      const why = notPhysical(ref) ?? ((ref.node as { anchor?: string }).anchor ? 'it is an anchored node used elsewhere' : null);
      if (why) {
        const names = this.secretNamesInModel(model);
        if (names.length)
          this.warn({
            id: 'not-editable',
            file: file.path,
            line: src.position(ref.range?.[0] ?? 0).line,
            service: svc.name,
            message: `${names.join(', ')} not moved to secrets: the environment of ${svc.name} cannot be edited in place (${why}); move ${names.length > 1 ? 'them' : 'it'} by hand`,
          });
        continue;
      }
      if (isMap(ref.node)) this.collectMap(file, svc.name, envPath, ref.node as YAMLMap.Parsed, model, svcEnvs);
      else if (isSeq(ref.node)) this.collectList(file, svc.name, envPath, ref.node as YAMLSeq.Parsed, svcEnvs);
    }
  }

  private secretNamesInModel(env: unknown): string[] {
    const names = Array.isArray(env) ? env.map((e) => String(e).split('=')[0]) : Object.keys(isObj(env) ? env : {});
    return names.filter((n) => this.isSecret(n));
  }

  private occurrence(file: ProjectFile, service: string, name: string, form: 'map' | 'list', envPath: Path, p: Path, value: Value, raw: string, offset: number, envs: Environment[]): Occurrence {
    return { file, service, name, form, envPath, path: p, value, raw, line: file.source.position(offset).line, envs, shadowed: [], layered: [] };
  }

  private collectMap(file: ProjectFile, service: string, envPath: Path, map: YAMLMap.Parsed, model: unknown, envs: Environment[]): void {
    const seen = new Set<string>();
    const found: Occurrence[] = [];
    const modelMap = isObj(model) ? model : {};
    for (let i = map.items.length - 1; i >= 0; i--) {
      const pair = map.items[i];
      if (isMergeKey(pair.key)) {
        const names = this.secretNamesInModel(model).filter((n) => !map.items.some((p) => !isMergeKey(p.key) && String(keyValue(p.key)) === n));
        if (names.length)
          this.warn({
            id: 'not-editable',
            file: file.path,
            line: file.source.position((pair.key as ParsedNode).range[0]).line,
            service,
            message: `${names.join(', ')} not moved to secrets: inherited through a \`<<\` merge key in ${service}'s environment; move by hand`,
          });
        continue;
      }
      const name = String(keyValue(pair.key));
      if (seen.has(name)) continue;
      seen.add(name);
      const v = pair.value as ParsedNode | null;
      const offset = (pair.key as ParsedNode).range[0];
      if (!this.isSecret(name)) {
        if (isScalar(v) && typeof v.value === 'string') this.flagUrl(file, service, name, v.value, offset);
        continue;
      }
      const p: Path = [...envPath, name];
      if (isAlias(v)) {
        this.warn({
          id: 'not-editable',
          file: file.path,
          line: file.source.position(offset).line,
          service,
          message: `${name} of ${service} is an alias to an anchored value; not moved to secrets, move it by hand`,
        });
        continue;
      }
      let value: Value;
      let raw = '';
      if (v === null || v === undefined) value = { kind: 'null' };
      else if (v.tag && !v.tag.startsWith('tag:yaml.org,2002:')) continue; // !reset, !override: leave
      else if (isScalar(v)) {
        // the value as Compose reads it (go-yaml: `0123` is 83), not as YAML 1.2 does
        value = classifyValue(name in modelMap ? modelMap[name] : v.value);
        raw = scalarRaw(file.source, v as Scalar.Parsed);
      } else value = { kind: 'unsupported' };
      found.push(this.occurrence(file, service, name, 'map', envPath, p, value, raw, offset, envs));
    }
    this.occurrences.push(...found.reverse());
  }

  private collectList(file: ProjectFile, service: string, envPath: Path, seq: YAMLSeq.Parsed, envs: Environment[]): void {
    const last = new Map<string, number>();
    seq.items.forEach((item, i) => {
      if (isScalar(item) && item.value !== null) last.set(String(item.value).split('=')[0], i);
    });
    seq.items.forEach((item, i) => {
      if (!isScalar(item) || item.value === null || (item.tag && !item.tag.startsWith('tag:yaml.org,2002:'))) return;
      const text = String(item.value);
      const eq = text.indexOf('=');
      const name = eq === -1 ? text : text.slice(0, eq);
      const offset = (item as Scalar.Parsed).range[0];
      if (last.get(name) !== i) return;
      if (!this.isSecret(name)) {
        if (eq !== -1) this.flagUrl(file, service, name, text.slice(eq + 1), offset);
        return;
      }
      let value: Value;
      let raw = '';
      if (eq === -1) value = { kind: 'null' };
      else {
        value = classifyValue(text.slice(eq + 1));
        const r = scalarRaw(file.source, item as Scalar.Parsed);
        const req = r.indexOf('=');
        raw = req === -1 ? '' : r.slice(req + 1);
      }
      this.occurrences.push(this.occurrence(file, service, name, 'list', envPath, [...envPath, i], value, raw, offset, envs));
    });
  }

  /** A credential written inside a URL (`postgres://shop:devsecret@db/shop`): flagged, masked, not moved. */
  private flagUrl(file: ProjectFile, service: string, name: string, value: string, offset: number): void {
    const m = URL_CREDENTIAL.exec(value);
    if (!m) return;
    const pw = m[2];
    const literal = classifyInterpolation(pw);
    if (literal.kind !== 'literal') return; // `${DB_PASSWORD}`: not written in the file
    this.ctx.mask(pw);
    this.warn({
      id: 'credential-in-url',
      file: file.path,
      line: file.source.position(offset).line,
      service,
      message: `${service}.environment.${name} holds a password inside a URL; not moved: put it in a variable (\`://user:\${DB_PASSWORD}@host\`) or a secret by hand`,
    });
  }

  /** Every variable name the project uses anywhere: a generated one must be none of them. */
  private collectUsedVariables(): void {
    const visit = (v: unknown): void => {
      if (typeof v === 'string') for (const n of referencedVariables(v)) this.usedVars.add(n);
      else if (Array.isArray(v)) v.forEach(visit);
      else if (isObj(v)) Object.values(v).forEach(visit);
    };
    const dirs = new Set<string>();
    const envFiles = new Set<string>();
    for (const f of this.ctx.project.files) {
      visit(f.model);
      dirs.add(path.dirname(path.resolve(f.path)));
      for (const svc of Object.values(isObj(f.model.services) ? f.model.services : {}))
        for (const ef of isObj(svc) ? (Array.isArray(svc.env_file) ? svc.env_file : svc.env_file !== undefined ? [svc.env_file] : []) : []) {
          const p = isObj(ef) ? ef.path : ef;
          if (typeof p === 'string') envFiles.add(path.resolve(path.dirname(path.resolve(f.path)), p));
        }
    }
    for (const e of this.ctx.project.environments) for (const ef of e.envFiles ?? []) envFiles.add(ef);
    for (const d of dirs) envFiles.add(path.join(d, '.env'));
    envFiles.add(path.resolve(this.ctx.project.dir, '.env'));
    for (const p of envFiles) for (const k of parseDotenv(this.ctx.readFile(p) ?? '').keys()) this.usedVars.add(k);
  }

  /** Per environment, which occurrences a later file overrides and which layer on an earlier one. */
  private markLayers(): void {
    const byFile = new Map<ProjectFile, Occurrence[]>();
    for (const o of this.occurrences) {
      const list = byFile.get(o.file);
      if (list) list.push(o);
      else byFile.set(o.file, [o]);
    }
    for (const env of this.ctx.project.environments) {
      const seen = new Map<string, Occurrence>();
      for (const f of env.files)
        for (const o of byFile.get(f) ?? []) {
          const k = `${o.service}\0${o.name}`;
          const prev = seen.get(k);
          if (prev) {
            prev.shadowed.push(env);
            o.layered.push(env);
          }
          seen.set(k, o);
        }
    }
  }

  // ----- decisions ----------------------------------------------------------------------

  private readonly lookups = new Map<Environment, VariableLookup>();

  private imageIn(env: Environment, service: string): string | undefined {
    const image = serviceOf(env.merged, service)?.image;
    if (typeof image !== 'string') return undefined;
    if (!image.includes('$')) return image;
    let lookup = this.lookups.get(env);
    if (!lookup) {
      const dir = path.dirname(path.resolve(env.files[0].path));
      this.lookups.set(env, (lookup = variableLookup(dir, env.envFiles, (p) => this.ctx.readFile(p))));
    }
    const done = interpolate(image, lookup);
    return done.includes(UNKNOWN) ? applyDefaults(image).text : done;
  }

  /** Shell texts of the merged service that read `$name` in the container (`$$NAME` in compose). */
  private readByCommand(env: Environment, service: string, name: string): string | undefined {
    const svc = serviceOf(env.merged, service) ?? {};
    const re = new RegExp(`\\$\\$\\{?${name}(?![A-Za-z0-9_])`);
    const texts: [string, unknown][] = [
      ['healthcheck', isObj(svc.healthcheck) ? svc.healthcheck.test : undefined],
      ['command', svc.command],
      ['entrypoint', svc.entrypoint],
    ];
    for (const [where, v] of texts) if ((typeof v === 'string' ? [v] : strings(v)).some((t) => re.test(t))) return where;
    return undefined;
  }

  /** Does env_file (in any environment of `o`) give the service `name`? Then the plain variable cannot go. */
  private fromEnvFile(o: Occurrence): boolean {
    for (const env of o.envs) {
      const svc = serviceOf(env.merged, o.service) ?? {};
      const dir = path.dirname(path.resolve(env.files[0].path));
      for (const ef of Array.isArray(svc.env_file) ? svc.env_file : []) {
        const p = isObj(ef) ? ef.path : ef;
        if (typeof p === 'string' && parseDotenv(this.ctx.readFile(path.resolve(dir, p)) ?? '').has(o.name)) return true;
      }
    }
    return false;
  }

  /** Whether (and how) to move one occurrence; undefined leaves it, with a finding where useful. */
  private decide(o: Occurrence): { kind: 'literal' | 'variable'; value: string; mode: Mode } | undefined {
    const v = o.value;
    const where = `${o.service}.environment.${o.name}`;
    const at = { file: o.file.path, line: o.line, service: o.service };
    if (v.kind === 'literal') this.mask(v.value, o.raw);
    if (v.kind === 'partial') {
      if (o.raw) this.ctx.mask(o.raw);
      this.warn({
        id: 'not-movable',
        ...at,
        message: v.hasDefault
          ? `${where} not moved: it is interpolated with a default written in the compose file (\${VAR:-...}); put the value in .env and use a plain \${${v.names[0] ?? 'VAR'}}`
          : `${where} not moved: it mixes text and variables (${v.names.map((n) => `\${${n}}`).join(', ') || 'a `$` sequence'}); if it embeds a credential, move that part to a variable by hand`,
      });
      return undefined;
    }
    if (v.kind === 'unsupported') {
      this.warn({ id: 'not-movable', ...at, message: `${where} not moved: its value is not a string` });
      return undefined;
    }
    if (v.kind !== 'literal' && v.kind !== 'variable') return undefined;
    if (!o.envs.length) return undefined;
    if (o.shadowed.length) {
      this.info({
        id: 'overridden',
        ...at,
        message: `${where} not moved: ${o.shadowed.map((e) => e.name).join(', ')} override${o.shadowed.length > 1 ? '' : 's'} it, and a change here would reach ${o.shadowed.length > 1 ? 'them' : 'it'} too`,
      });
      return undefined;
    }
    if (v.kind === 'literal') {
      const dev = o.envs.filter((e) => isDevName(e.name));
      if (dev.length && !this.moveDev) {
        this.info({
          id: 'dev-literal-kept',
          ...at,
          message: `${where} kept: it is a committed default of ${dev.map((e) => e.name).join(', ')}, and moving it into gitignored files would leave fresh clones and CI without it (--dev-secrets move moves it)`,
        });
        return undefined;
      }
    } else {
      if (!this.ctx.capabilities.environmentSecrets) {
        this.info({
          id: 'environment-secret-unsupported',
          ...at,
          message: `${where} not moved: ${
            this.ctx.runtime.kind === 'podman-compose'
              ? `podman-compose refuses a secret read from a variable (${v.name}) at \`up\``
              : `a secret read from a variable (${v.name}) needs Docker Compose >= 2.23.1, and the target is ${this.ctx.runtime.composeVersion}`
          }; write the value to a file and declare \`secrets: {<name>: {file: ...}}\` by hand`,
        });
        return undefined;
      }
      // already mounted (e.g. by an earlier run): nothing to do
      for (const env of o.envs) {
        const list = serviceOf(env.merged, o.service)?.secrets;
        for (const s of Array.isArray(list) ? list : []) {
          const m = isObj(s) ? s.source : s;
          if (typeof m !== 'string') continue;
          if (m === secretIdent(v.name) || (this.declared.get(m) ?? []).some((d) => isObj(d) && d.environment === v.name)) return undefined;
        }
      }
    }
    const reader = o.envs.map((e) => this.readByCommand(e, o.service, o.name)).find(Boolean);
    if (reader) {
      this.warn({
        id: 'read-by-command',
        ...at,
        message: `${where} not moved: the ${reader} reads $${o.name} in the container; make it read the secret file instead (e.g. \`$$(cat /run/secrets/<name>)\`) and rerun`,
      });
      return undefined;
    }
    const list = nodeAt(o.file.source, ['services', o.service, 'secrets']);
    if (list && (notPhysical(list) || !(isSeq(list.node) || list.node === null))) {
      this.warn({ id: 'not-editable', ...at, message: `${where} not moved: the secrets list of ${o.service} cannot be edited in place; move it by hand` });
      return undefined;
    }
    const mode = this.fileMode(o) ? 'file-var' : 'env-var';
    if (v.kind === 'literal' && mode === 'env-var' && !dotenvSafe(v.value)) {
      this.warn({
        id: 'not-movable',
        ...at,
        message: `${where} not moved: its value holds a quote, backslash or line break that a .env file cannot carry verbatim, and ${o.service} is not known to read ${o.name}_FILE; move it by hand (or use --assume-file-support)`,
      });
      return undefined;
    }
    return v.kind === 'literal' ? { kind: 'literal', value: v.value, mode } : { kind: 'variable', value: v.name, mode };
  }

  /** `<VAR>_FILE` replaces the variable: the image reads it, nothing else sets or reads the variable. */
  private fileMode(o: Occurrence): boolean {
    if (o.layered.length) return false;
    for (const env of o.envs) {
      const environment = serviceOf(env.merged, o.service)?.environment;
      if (isObj(environment) && `${o.name}_FILE` in environment) return false;
      if (!this.assumeFile && !imageReadsFileVar(this.imageIn(env, o.service), o.name)) return false;
    }
    return !this.fromEnvFile(o);
  }

  private mask(value: string, raw: string): void {
    this.ctx.mask(value);
    const escaped = escapeInterpolation(value);
    if (escaped !== value) this.ctx.mask(escaped);
    if (raw) this.ctx.mask(raw);
  }

  // ----- naming ---------------------------------------------------------------------------

  /** Directory of an environment's first file: where Compose looks for .env and relative paths. */
  private baseDir(file: ProjectFile): string {
    const env = this.envsOfFile.get(file)?.[0];
    const first = env ? env.files[0].path : file.path;
    return path.relative(this.ctx.project.dir, path.dirname(path.resolve(this.ctx.project.dir, first))) || '.';
  }

  private rel(dir: string, p: string): string {
    return dir === '.' ? p : path.join(dir, p);
  }

  private nameCandidates(cands: Candidate[]): void {
    const taken = new Set<string>();
    for (const c of cands) {
      const first = c.occurrences[0].o;
      const dir = this.baseDir(first.file);
      const svc = secretIdent(first.service);
      const v = secretIdent(c.varName);
      // service + variable, without repeating the service (`mysql` + MYSQL_PASSWORD -> mysql_password)
      const own = v === svc || v.startsWith(`${svc}_`) ? v : `${svc}_${v}`;
      const base = c.kind === 'variable' ? secretIdent(c.value) : c.services.size > 1 ? v : own;
      const needsDotenv = c.kind === 'literal' && c.occurrences.some((x) => x.mode === 'env-var');
      const ok = (name: string): boolean => {
        if (taken.has(name)) return false;
        const defs = this.declared.get(name);
        if (defs && !defs.every((d) => JSON.stringify(d) === JSON.stringify(this.definition(c, name)))) return false;
        if (c.kind === 'literal') {
          const current = this.ctx.readFile(this.rel(dir, `secrets/${name}.txt`));
          if (current !== null && current !== c.value) return false;
        }
        // a generated variable must be one nothing else reads (another environment's value)
        if (needsDotenv && this.usedVars.has(name.toUpperCase())) return false;
        return true;
      };
      const envTag = secretIdent(first.envs[0]?.name ?? 'env');
      let name = [base, `${base}_${envTag}`].find(ok);
      for (let n = 2; !name; n++) if (ok(`${base}_${n}`)) name = `${base}_${n}`;
      taken.add(name);
      c.secretName = name;
      if (needsDotenv) {
        c.dotenvName = name.toUpperCase();
        this.usedVars.add(c.dotenvName);
      }
    }
  }

  private definition(c: Candidate, name: string): Record<string, string> {
    return c.kind === 'literal' ? { file: `./secrets/${name}.txt` } : { environment: c.value };
  }

  // ----- edits ----------------------------------------------------------------------------

  private applyAll(cands: Candidate[]): void {
    const ctx = this.ctx;
    const declaredIn = new Set<string>(); // file \0 name
    const mountedIn = new Set<string>(); // file \0 service \0 name
    const dotenvLines = new Map<string, Set<string>>(); // env file (relative) -> lines
    const example = new Map<string, Set<string>>(); // dir -> .env.example lines
    const secretDirs = new Set<string>();
    const dotenvDirs = new Set<string>();
    const dotenvCache = new Map<string, Map<string, unknown>>();
    const dotenvHas = (p: string, key: string): boolean => {
      let d = dotenvCache.get(p);
      if (!d) dotenvCache.set(p, (d = parseDotenv(ctx.readFile(p) ?? '')));
      return d.has(key);
    };

    // the writes every moved value shares (.env, .env.example, .gitignore) go with the last fix
    let last: Fixer | undefined;
    for (const c of cands) {
      const name = c.secretName!;
      for (const { o, mode } of c.occurrences) {
        const fix = ctx.report({
          message: `${o.service}.environment.${o.name} ${c.kind === 'literal' ? 'holds a secret value written in the compose file' : `passes the secret ${c.value} as a plain environment variable`}: it is committed${c.kind === 'literal' ? '' : ' as a reference'} and visible in \`docker inspect\`; deliver it as a Compose secret`,
          file: o.file,
          line: o.line,
          service: o.service,
          environments: o.envs.map((e) => e.name),
        });
        if (!fix) continue;
        last = fix;
        const ed = fix.editor(o.file);
        const dir = this.baseDir(o.file);
        const target = `/run/secrets/${name}`;
        // 1. the variable
        if (mode === 'file-var') {
          const fileVar = `${o.name}_FILE`;
          if (o.form === 'list') ed.replaceScalar(o.path, `${fileVar}=${target}`);
          else renameMapEntry(ed, o.envPath, o.name, fileVar, target);
        } else if (c.kind === 'literal') {
          const ref = '${' + c.dotenvName + '}';
          ed.replaceScalar(o.path, o.form === 'list' ? `${o.name}=${ref}` : ref);
          // the .env each environment reading this file interpolates from
          const files = new Set(o.envs.flatMap((e) => (e.envFiles?.length ? e.envFiles.map((f) => path.relative(ctx.project.dir, f)) : [this.rel(dir, '.env')])));
          for (const p of files) {
            const lines = dotenvLines.get(p) ?? new Set<string>();
            if (!dotenvHas(p, c.dotenvName!)) lines.add(dotenvLine(c.dotenvName!, c.value));
            dotenvLines.set(p, lines);
          }
          dotenvDirs.add(dir);
          this.exampleLine(example, dir, `${c.dotenvName}=`);
        }
        // 2. the mount
        const mk = `${o.file.path}\0${o.service}\0${name}`;
        if (!mountedIn.has(mk)) {
          mountedIn.add(mk);
          this.mount(fix, o.file, o.service, name);
        }
        // 3. the declaration
        const dk = `${o.file.path}\0${name}`;
        if (!declaredIn.has(dk)) {
          declaredIn.add(dk);
          const top = isObj(o.file.model.secrets) ? o.file.model.secrets : undefined;
          if (!top || !(name in top)) ed.setIn(['secrets', name], this.definition(c, name));
        }
        // 4. files
        if (c.kind === 'literal') {
          fix.writeFile(this.rel(dir, `secrets/${name}.txt`), c.value, { mode: 0o600 });
          secretDirs.add(dir);
          this.exampleLine(example, dir, `# secrets/${name}.txt (gitignored): create it on a new clone`);
        }
        // 5. intent, for every environment the edit reaches (all of them get this value)
        for (const env of o.envs) fix.intend(secretDelivers({ env: env.name, service: o.service }, o.name, name, mode));
        // 6. report
        this.report(fix, c, o, mode, name, target);
      }
    }
    if (!last) return;
    const shared = last;

    const dotenvExisted = new Map<string, boolean>();
    for (const dir of dotenvDirs) dotenvExisted.set(dir, ctx.readFile(this.rel(dir, '.env')) !== null);
    for (const [p, lines] of dotenvLines) {
      if (!lines.size) continue;
      // created private (it holds the values); an existing .env keeps its mode
      shared.writeFile(p, appendLines(ctx.readFile(p), [...lines]), { mode: 0o600 });
    }
    for (const [dir, lines] of example) {
      const p = this.rel(dir, '.env.example');
      const current = ctx.readFile(p);
      const have = new Set((current ?? '').split(/\r?\n/).map((l) => l.trim()));
      const keys = parseDotenv(current ?? '');
      const add = [...lines].filter((l) => !have.has(l) && !(l.endsWith('=') && keys.has(l.slice(0, -1))));
      if (add.length) shared.writeFile(p, appendLines(current, add));
    }
    for (const dir of new Set([...secretDirs, ...dotenvDirs])) {
      const p = this.rel(dir, '.gitignore');
      const current = ctx.readFile(p);
      const add: string[] = [];
      if (secretDirs.has(dir) && !gitignoreHas(current, 'secrets/')) add.push('secrets/');
      if (dotenvDirs.has(dir) && !gitignoreHas(current, '.env')) {
        add.push('.env');
        if (dotenvExisted.get(dir))
          shared.after({
            kind: 'dotenv-tracked',
            file: p,
            message: `.env existed and was not gitignored: it is ignored now, but if git already tracks it run \`git rm --cached ${this.rel(dir, '.env')}\``,
          });
      }
      if (add.length) shared.writeFile(p, appendLines(current, add));
    }
  }

  private exampleLine(example: Map<string, Set<string>>, dir: string, line: string): void {
    const lines = example.get(dir);
    if (lines) lines.add(line);
    else example.set(dir, new Set([line]));
  }

  private report(fix: Fixer, c: Candidate, o: Occurrence, mode: Mode, name: string, target: string): void {
    const ctx = this.ctx;
    const source = c.kind === 'literal' ? `./secrets/${name}.txt` : `the ${c.value} variable`;
    const envNote = ctx.project.environments.length > 1 ? ` (${o.envs.map((e) => e.name).join(', ')})` : '';
    if (mode === 'file-var') {
      const assumed = this.assumeFile && !o.envs.every((e) => imageReadsFileVar(this.imageIn(e, o.service), o.name));
      fix.note({
        file: o.file.path,
        service: o.service,
        message: `${o.name} -> ${o.name}_FILE=${target} (secret ${name} from ${source})${envNote}`,
        reason: `${assumed ? `--assume-file-support: the app is taken to read ${o.name}_FILE` : `the image reads ${o.name}_FILE`}; the value no longer sits in the compose file nor in the container's environment`,
      });
      if (assumed)
        fix.after({
          kind: 'assumed-file-support',
          file: o.file.path,
          line: o.line,
          service: o.service,
          message: `${o.service} no longer receives ${o.name}: it must read the value from the file named by ${o.name}_FILE (${target})`,
        });
      return;
    }
    fix.note({
      file: o.file.path,
      service: o.service,
      message:
        (c.kind === 'literal'
          ? `${o.name} now comes from .env (\${${c.dotenvName}}); secret ${name} mounted from ${source}`
          : `secret ${name} (from ${source}) mounted at ${target}`) + envNote,
      reason:
        c.kind === 'literal'
          ? 'the literal value no longer sits in the compose file; .env is gitignored'
          : 'the app can read the secret from a file instead of its environment',
    });
    fix.after({
      kind: 'still-in-environment',
      file: o.file.path,
      line: o.line,
      service: o.service,
      message: `${o.service} still receives ${o.name} as an environment variable${c.kind === 'literal' ? ' (now interpolated from .env)' : ''}; make the app read ${target} (or support ${o.name}_FILE) and then remove ${o.name}`,
    });
  }

  private readonly createdLists = new Set<string>();

  /** Add `name` to the service's `secrets` list in `file` (or create the list). */
  private mount(fix: Fixer, file: ProjectFile, service: string, name: string): void {
    const ed = fix.editor(file);
    const p: Path = ['services', service, 'secrets'];
    const ref = nodeAt(file.source, p);
    const created = `${file.path}\0${service}`;
    if (!ref) {
      if (this.createdLists.has(created)) ed.appendItem(p, name);
      else ed.insertPair(['services', service], 'secrets', [name], { after: 'environment' });
      this.createdLists.add(created);
      return;
    }
    const current = (serviceOf(file.model, service) as Obj | undefined)?.secrets;
    const has = Array.isArray(current) && current.some((s) => s === name || (isObj(s) && s.source === name));
    if (has) return;
    if (notPhysical(ref) || !(isSeq(ref.node) || ref.node === null)) {
      this.warn({ id: 'not-editable', file: file.path, service, message: `${service} must mount secret ${name}, but its secrets list cannot be edited in place; add it by hand` });
      return;
    }
    ed.appendItem(p, name);
  }
}
