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
import type { Rule, RuleContext } from './types.js';
import type { ComposeFile, Environment } from './project.js';
import { attributeContains } from './intent/deltas.js';
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

/** Why a short-syntax list cannot be rewritten as a mapping: not a plain sequence, or comments a rewrite would lose. */
function listProblem(file: ComposeFile, path: Path): string | null {
  const ref = nodeAt(file.source, path);
  if (!ref || !isSeq(ref.node) || !ref.range) return 'the list is not a plain sequence';
  // a comment after a flow list's `]` is kept (it moves after `depends_on:`); one inside is not
  const text = file.source.text;
  const eol = text.indexOf('\n', ref.range[1]);
  const end = ref.node.flow ? ref.range[1] : eol === -1 ? text.length : eol;
  // from the key on: a comment line between `depends_on:` and the first item goes with the list too
  const keyEnd = (ref.pair?.key as { range?: [number, number] } | null | undefined)?.range?.[1];
  const start = keyEnd !== undefined && keyEnd < ref.range[0] ? keyEnd : ref.range[0];
  return text.slice(start, end).includes('#') ? 'the list holds comments that rewriting it as a mapping would lose' : null;
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

    // 2. place: the file each (service, dependency) is changed in
    interface Spot {
      file: ComposeFile;
      service: string;
      dep: string;
      /** Environments that want it there; `reached`: every environment the edit reaches (all want it). */
      envs: Environment[];
      reached: Environment[];
    }
    const spots: Spot[] = [];
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
      for (const [file, list] of byFile) spots.push({ file, service, dep, envs: list, reached: envsUsing(project, file, service) });
    }

    // 3. report and edit: a mapping entry on its own; a short-syntax list (or a new depends_on)
    //    is one edit for every dependency it makes wait, so one finding
    const groups = new Map<string, Spot[]>();
    for (const sp of spots) {
      const w = writtenIn(sp.file, sp.service);
      const key = w.form === 'map' ? `${sp.file.path}\0${sp.service}\0${sp.dep}` : `${sp.file.path}\0${sp.service}`;
      groups.set(key, [...(groups.get(key) ?? []), sp]);
    }
    for (const group of groups.values()) {
      const { file, service } = group[0];
      const w = writtenIn(file, service);
      // in the order the file lists them
      const deps = group.map((g) => g.dep).sort((a, b) => (w.form === 'list' ? w.items.indexOf(a) - w.items.indexOf(b) : 0));
      const reached = [...new Set(group.flatMap((g) => g.reached))];
      const dPath: Path = ['services', service, 'depends_on'];
      const entry = w.form === 'map' ? w.entries[deps[0]] : undefined;
      const at: Path =
        w.form === 'list'
          ? [...dPath, w.items.indexOf(deps[0])]
          : isObj(entry) && 'condition' in entry
            ? [...dPath, deps[0], 'condition']
            : w.form === 'map' && deps[0] in w.entries
              ? [...dPath, deps[0]]
              : ['services', service];
      const blocker =
        editBlocker(file, w.form === 'none' ? ['services', service] : dPath) ??
        (w.form === 'map' && deps[0] in w.entries ? editBlocker(file, [...dPath, deps[0]]) : null) ??
        (w.form === 'list' ? listProblem(file, dPath) : null);
      const names = deps.join(', ');
      const message = `${service} starts as soon as ${names} ${deps.length > 1 ? 'have' : 'has'} started, not when ${deps.length > 1 ? 'they are' : 'it is'} ready; ${names} ${deps.length > 1 ? 'have healthchecks' : 'has a healthcheck'}, so depends_on can wait (condition: service_healthy)`;
      if (blocker) {
        ctx.report({ kind: 'not-editable', file, path: at, service, environments: [...new Set(group.flatMap((g) => g.envs))].map((e) => e.name), message: `${message}, but ${blocker}; change it by hand` });
        continue;
      }
      const fix = ctx.report({ message, file, path: at, service, environments: reached.map((e) => e.name) });
      if (!fix) continue;
      const ed = fix.editor(file);
      const healthy = new Set(deps);
      if (w.form === 'list') {
        const map: Record<string, unknown> = {};
        for (const item of w.items) map[item] = { condition: healthy.has(item) ? 'service_healthy' : 'service_started' };
        ed.setIn(dPath, map);
      } else if (w.form === 'none') {
        addToService(ed, file, service, 'depends_on', Object.fromEntries(deps.map((d) => [d, { condition: 'service_healthy' }])));
      } else {
        const dep = deps[0];
        const ePath = [...dPath, dep];
        const node = nodeAt(file.source, ePath)?.node;
        if (!(dep in w.entries)) ed.insertPair(dPath, dep, { condition: 'service_healthy' });
        else if (isObj(entry) && 'condition' in entry) ed.replaceScalar([...ePath, 'condition'], 'service_healthy');
        else if (isMap(node) && node.items.length) ed.insertPair(ePath, 'condition', 'service_healthy', { before: String((node.items[0].key as { value?: unknown }).value) });
        else ed.setIn(ePath, { condition: 'service_healthy' });
      }
      for (const e of reached) for (const dep of deps) fix.intend(attributeContains({ env: e.name, service }, 'depends_on', { [dep]: { condition: 'service_healthy' } }));
      fix.note({
        file: file.path,
        service,
        message: `depends_on ${names}: condition service_healthy${project.environments.length > 1 ? ` (environments: ${reached.map((e) => e.name).join(', ')})` : ''}`,
        reason: `${names} ${deps.length > 1 ? 'have healthchecks' : 'has a healthcheck'}; ${service} now starts once ${deps.length > 1 ? 'they report' : `${names} reports`} healthy, not as soon as ${deps.length > 1 ? 'their containers start' : 'its container starts'}`,
      });
    }
  },
};

export default rule;
