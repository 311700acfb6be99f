/**
 * depends-on-healthy: `depends_on: [db]` (or `condition: service_started`) starts a service as
 * soon as its dependency's container has started, not when it is ready: the app's first
 * connection attempts fail while the database initialises. When the dependency has a
 * healthcheck that runs, `condition: service_healthy` makes Compose wait for it.
 *
 * Rules:
 * - Judged per environment on the merged model: the dependency must have a running
 *   healthcheck (a test, not `disable: true`, not NONE) in that environment; `fix` runs the
 *   `healthcheck` rule first, so a healthcheck it just added counts.
 * - The condition is changed where the environment takes it from: the last file that lists the
 *   dependency (short syntax) or sets its `condition`, when every environment loading that file
 *   wants the change; else `depends_on: {dep: {condition: service_healthy}}` goes into a file
 *   only the environments that want it load (an environment whose dependency has no
 *   healthcheck would fail to start with `service_healthy`).
 * - A short-syntax list is rewritten as a mapping: the listed services keep
 *   `condition: service_started` (what the short syntax means), the fixed ones get
 *   `service_healthy`.
 */
import { isMap, isSeq } from 'yaml';
import type { Fixer, Rule, RuleContext } from './types.js';
import type { ComposeFile, Environment } from './project.js';
import { attributeSet } from './intent/deltas.js';
import { isObj, strings } from '../core/plain.js';
import { serviceOf, serviceOrder, servicesOf } from './lib/services.js';
import { addToService, editBlocker, envsUsing, fileOnlyFor } from './place.js';
import { healthcheckRuns } from './healthcheck.js';
import { nodeAt, type Path } from '../core/query.js';

/** How one file writes `services.<service>.depends_on`. */
type Written = { form: 'list'; items: string[] } | { form: 'map'; entries: Record<string, unknown> } | { form: 'none' };

function writtenIn(file: ComposeFile, service: string): Written {
  const d = serviceOf(file.model, service)?.depends_on;
  if (Array.isArray(d)) return { form: 'list', items: strings(d) };
  if (isObj(d)) return { form: 'map', entries: d };
  return { form: 'none' };
}

/** Does this file set the condition of `dep` (a short-syntax item, or a `condition:` key)? */
function setsCondition(file: ComposeFile, service: string, dep: string): boolean {
  const w = writtenIn(file, service);
  if (w.form === 'list') return w.items.includes(dep);
  if (w.form === 'map') return isObj(w.entries[dep]) && 'condition' in w.entries[dep];
  return false;
}

/** The file of `env` whose condition for `dep` the merged model keeps (undefined: none of its files writes it, e.g. `extends`). */
function conditionOwner(env: Environment, service: string, dep: string): ComposeFile | undefined {
  const files = [...env.files].reverse();
  return (
    files.find((f) => setsCondition(f, service, dep)) ??
    files.find((f) => {
      const w = writtenIn(f, service);
      return w.form === 'map' && dep in w.entries;
    })
  );
}

interface Need {
  service: string;
  dep: string;
  envs: Environment[];
}

const rule: Rule = {
  meta: {
    id: 'depends-on-healthy',
    description: 'Wait for a dependency to be healthy (`condition: service_healthy`) when it has a healthcheck',
    rationale:
      '`depends_on` with the short syntax or `condition: service_started` starts a service as soon as its dependency\'s container starts, not when it is ready; with a healthcheck on the dependency, `service_healthy` makes Compose wait until it serves.',
    severity: 'warning',
    fixable: 'safe',
    docs: 'docs/rules/depends-on-healthy.md',
    kinds: {
      'not-editable': { severity: 'warning', description: 'the depends_on entry cannot be edited in place (alias, `<<`, `extends`)' },
      'shared-files': { severity: 'warning', description: 'every file of the environment is shared with one whose dependency has no healthcheck' },
    },
    options: [],
  },
  check(ctx: RuleContext): void {
    const { project } = ctx;
    // 1. analyse: (service, dependency) -> environments where it starts on service_started but could wait for healthy
    const needs = new Map<string, Need>();
    for (const env of project.environments) {
      const services = servicesOf(env.merged);
      for (const name of serviceOrder(env)) {
        const deps = services[name].depends_on;
        if (!isObj(deps)) continue;
        for (const [dep, spec] of Object.entries(deps)) {
          if (!isObj(spec) || (spec.condition ?? 'service_started') !== 'service_started') continue;
          const target = services[dep];
          if (!target || !healthcheckRuns(target)) continue;
          const key = `${name}\0${dep}`;
          const n = needs.get(key);
          if (n) n.envs.push(env);
          else needs.set(key, { service: name, dep, envs: [env] });
        }
      }
    }

    // 2. place: one edit per (file, service), with the dependencies it makes wait
    interface Edit {
      file: ComposeFile;
      service: string;
      deps: { dep: string; fix: Fixer; envs: Environment[] }[];
    }
    const edits: Edit[] = [];
    const editFor = (file: ComposeFile, service: string): Edit => {
      let e = edits.find((x) => x.file === file && x.service === service);
      if (!e) edits.push((e = { file, service, deps: [] }));
      return e;
    };
    for (const { service, dep, envs } of needs.values()) {
      const wants = (e: Environment): boolean => envs.includes(e);
      const byFile = new Map<ComposeFile, Environment[]>();
      for (const env of envs) {
        const owner = conditionOwner(env, service, dep);
        const file = owner && envsUsing(project, owner, service).every(wants) ? owner : fileOnlyFor(project, env, wants, { service });
        if (!file) {
          ctx.report({
            kind: 'shared-files',
            service,
            environments: [env.name],
            message: `${service} could wait for ${dep} to be healthy in environment ${env.name}, but every file of it is shared with an environment where ${dep} has no healthcheck; set condition: service_healthy by hand`,
          });
          continue;
        }
        byFile.set(file, [...(byFile.get(file) ?? []), env]);
      }
      for (const [file, list] of byFile) {
        const reached = envsUsing(project, file, service);
        const w = writtenIn(file, service);
        const depPath: Path = w.form === 'list' ? ['services', service, 'depends_on', w.items.indexOf(dep)] : ['services', service, 'depends_on', dep];
        const entry = w.form === 'map' ? w.entries[dep] : undefined;
        const at: Path =
          w.form === 'list' && w.items.includes(dep) ? depPath : isObj(entry) && 'condition' in entry ? [...depPath, 'condition'] : w.form === 'map' && dep in w.entries ? depPath : ['services', service];
        const blocker = editBlocker(file, w.form === 'none' ? ['services', service] : ['services', service, 'depends_on']) ?? (w.form === 'map' ? editBlocker(file, depPath) : null);
        const message = `${service} starts as soon as ${dep} has started, not when it is ready; ${dep} has a healthcheck, so depends_on can wait for it (condition: service_healthy)`;
        if (blocker || (w.form === 'list' && !isSeq(nodeAt(file.source, ['services', service, 'depends_on'])?.node))) {
          ctx.report({ kind: 'not-editable', file, path: at, service, environments: list.map((e) => e.name), message: `${message}, but ${blocker ?? 'the list is not a plain sequence'}; change it by hand` });
          continue;
        }
        const fix = ctx.report({ message, file, path: at, service, environments: reached.map((e) => e.name) });
        if (fix) editFor(file, service).deps.push({ dep, fix, envs: reached });
      }
    }

    // 3. edit
    for (const { file, service, deps } of edits) {
      if (!deps.length) continue;
      const svcPath = ['services', service];
      const dPath = [...svcPath, 'depends_on'];
      const w = writtenIn(file, service);
      const first = deps[0].fix.editor(file);
      if (w.form === 'list') {
        const fixed = new Set(deps.map((d) => d.dep));
        const map: Record<string, unknown> = {};
        for (const item of w.items) map[item] = { condition: fixed.has(item) ? 'service_healthy' : 'service_started' };
        first.setIn(dPath, map);
      } else if (w.form === 'none') {
        addToService(first, file, service, 'depends_on', Object.fromEntries(deps.map((d) => [d.dep, { condition: 'service_healthy' }])));
      }
      for (const { dep, fix, envs } of deps) {
        if (w.form === 'map') {
          const ed = fix.editor(file);
          const entry = w.entries[dep];
          const ePath = [...dPath, dep];
          const node = nodeAt(file.source, ePath)?.node;
          if (!(dep in w.entries)) ed.insertPair(dPath, dep, { condition: 'service_healthy' });
          else if (isObj(entry) && 'condition' in entry) ed.replaceScalar([...ePath, 'condition'], 'service_healthy');
          else if (isMap(node) && node.items.length) ed.insertPair(ePath, 'condition', 'service_healthy', { before: String((node.items[0].key as { value?: unknown }).value) });
          else ed.setIn(ePath, { condition: 'service_healthy' });
        }
        for (const e of envs) fix.intend(attributeSet({ env: e.name, service }, 'depends_on', { [dep]: { condition: 'service_healthy' } }));
        fix.note({
          file: file.path,
          service,
          message: `depends_on ${dep}: condition service_healthy${project.environments.length > 1 ? ` (environments: ${envs.map((e) => e.name).join(', ')})` : ''}`,
          reason: `${dep} has a healthcheck; ${service} now starts once ${dep} reports healthy, not as soon as its container starts`,
        });
      }
    }
  },
};

export default rule;
