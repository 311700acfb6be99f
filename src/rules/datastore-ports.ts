/**
 * datastore-ports: a data store (postgres, mysql, redis, mongo, elasticsearch, rabbitmq...,
 * known by its image: data/stateful-images.ts) that publishes a port on every interface.
 * Docker's port publishing goes around the host firewall (ufw, firewalld), so the database is
 * reachable from any network the host is on. The fix (behaviour-changing: applied only with
 * `fix --only datastore-ports`) binds the publication to 127.0.0.1 (tools on the host keep
 * working); in deployed environments the option `datastorePortAction: remove` removes it
 * instead (other services reach the store over the Compose network).
 *
 * Ports append across files and an override cannot take an item out of a base's list without
 * `!override` (Compose >= 2.24.4; podman-compose cannot): each item is edited in the file that
 * writes it, for every environment that loads that file. An item in a file shared with local
 * environments is bound there even when a deployed environment asked for removal (a kind says
 * so). A host port from a variable (`${DB_PORT:-5432}:5432`) gets the address in front.
 */
import type { Rule, RuleContext } from './types.js';
import type { ComposeFile, Environment } from './project.js';
import { isObj, type Obj } from '../core/plain.js';
import { attributeSet } from './intent/deltas.js';
import { serviceOf, serviceOrder, servicesOf } from './lib/services.js';
import { editBlocker } from './place.js';
import { lookupImage } from './data/stateful-images.js';
import { activeProfiles, deployedEnvironmentsOption, rolesOf, startsWith } from './lib/environments.js';
import { rawPortForms } from './lib/ports.js';

const WILDCARD = new Set(['', '0.0.0.0', '::', '[::]']);
const LOOPBACK = '127.0.0.1';

const publishesEverywhere = (p: Obj): boolean =>
  p.published !== undefined && p.published !== null && String(p.published) !== '' && WILDCARD.has(typeof p.host_ip === 'string' ? p.host_ip : '');

const samePort = (a: Obj, b: Obj): boolean =>
  Number(a.target) === Number(b.target) &&
  String(a.published ?? '') === String(b.published ?? '') &&
  String(a.host_ip ?? '') === String(b.host_ip ?? '') &&
  String(a.protocol ?? 'tcp') === String(b.protocol ?? 'tcp');

/** A variable's place in a short-form item, as a number (`${DB_PORT:-5432}:5432` reads as `1:5432`): to tell its shape. */
const shapeOf = (raw: string): string =>
  raw.replace(/\$\{[^}]*\}|\$[A-Za-z_]\w*/g, (v) => {
    // a default holding an address (`${SQL_PORT:-127.0.0.1:13306}:3306`, mailcow) is that address and
    // port: prefixing 127.0.0.1 would give Compose `127.0.0.1:127.0.0.1:13306` (found by the corpus referee)
    const d = /^\$\{[A-Za-z_]\w*:?-(.*)\}$/.exec(v)?.[1];
    return d !== undefined && d.includes(':') ? d : '1';
  });

/**
 * The merged `ports` items (long form, or the short form a variable kept), each with its long
 * forms and its indexes in what the container gets (intent/view.ts reads a short item as
 * Compose does: a range is one entry per port).
 */
function mergedItems(ports: unknown[]): { item: unknown; forms: Obj[]; view: number[] }[] {
  let at = 0;
  return ports.map((item) => {
    const forms = isObj(item) ? [item] : rawPortForms(typeof item === 'string' ? shapeOf(item) : item);
    const n = Math.max(1, forms.length);
    const view = Array.from({ length: n }, (_, k) => at + k);
    at += n;
    return { item, forms, view };
  });
}

/** Does the raw item of a file write the merged item? */
function writes(raw: unknown, merged: unknown): boolean {
  if (!isObj(merged)) return (typeof raw === 'string' || typeof raw === 'number') && String(raw) === String(merged);
  return rawPortForms(raw).some((f) => samePort(f, merged));
}

interface Item {
  file: ComposeFile;
  service: string;
  index: number;
  raw: unknown;
  store: string;
  /** Environment -> the indexes of the merged `ports` entries this item makes. */
  envs: Map<Environment, number[]>;
  /** Environments where the service starts (the finding's). */
  exposed: Set<Environment>;
}

/** The item with the wildcard address replaced by the loopback one. */
function bound(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const m = /^(0\.0\.0\.0:|\[::\]:|:::)?(.*)$/.exec(raw)!;
  return `${LOOPBACK}:${m[2]}`;
}

const rule: Rule = {
  meta: {
    id: 'datastore-ports',
    description: 'Bind published ports of data stores to 127.0.0.1 (or remove them in deployed environments)',
    rationale:
      'A database, cache or queue published on every interface is reachable from any network the host is on: Docker publishes ports around the host firewall (ufw, firewalld), and data stores often run without a password in dev setups.',
    severity: 'warning',
    fixable: 'behaviour-changing',
    docs: 'docs/rules/datastore-ports.md',
    kinds: {
      'remove-shared': { severity: 'note', description: 'removal asked for a deployed environment, but the item is in a file local environments load too: bound to 127.0.0.1 instead' },
      'not-editable': { severity: 'warning', description: 'the port item is reached through an alias or `<<`' },
    },
    options: [
      {
        name: 'datastorePortAction',
        description: 'In deployed environments: bind the publication to 127.0.0.1, or remove it (local environments always bind)',
        type: 'string',
        values: ['bind', 'remove'],
        default: 'bind',
      },
      deployedEnvironmentsOption,
    ],
  },
  check(ctx: RuleContext): void {
    const { project } = ctx;
    const removeDeployed = ctx.options.datastorePortAction === 'remove';
    const roles = rolesOf(ctx);
    const active = activeProfiles(ctx);
    const items = new Map<string, Item>();
    for (const env of project.environments) {
      const services = servicesOf(env.merged);
      for (const service of serviceOrder(env)) {
        const svc = services[service];
        const hit = lookupImage(svc.image);
        if (!hit?.entry.datastore || !startsWith(svc, active) || !Array.isArray(svc.ports)) continue;
        for (const m of mergedItems(svc.ports)) {
          if (!m.forms.some(publishesEverywhere)) continue;
          // every file of the environment that writes this publication (a repeat in an override replaces the base's in place)
          for (const file of env.files) {
            const raws = serviceOf(file.model, service)?.ports;
            if (!Array.isArray(raws)) continue;
            raws.forEach((raw, j) => {
              if (!writes(raw, m.item)) return;
              const key = `${file.path}\0${service}\0${j}`;
              const item = items.get(key) ?? { file, service, index: j, raw, store: hit.entry.id, envs: new Map(), exposed: new Set() };
              item.exposed.add(env);
              items.set(key, item);
            });
          }
        }
      }
    }
    // every environment that loads the item's file gets the edit: declare it for each
    for (const item of items.values()) {
      for (const env of project.environments) {
        if (!env.files.includes(item.file)) continue;
        const merged = serviceOf(env.merged, item.service)?.ports;
        if (!Array.isArray(merged)) continue;
        const idx = mergedItems(merged).flatMap((m) => (writes(item.raw, m.item) ? m.view : []));
        if (idx.length) item.envs.set(env, idx);
      }
    }
    const removals = new Map<ComposeFile, Map<string, Item[]>>();
    for (const item of items.values()) {
      const path = ['services', item.service, 'ports', item.index];
      const names = [...item.exposed].map((e) => e.name);
      const where = { file: item.file, path, service: item.service, environments: names };
      const why = editBlocker(item.file, path);
      if (why) {
        ctx.report({ kind: 'not-editable', ...where, message: `${item.service} (${item.store}) publishes ${String(item.raw)} on every interface, but the item cannot be edited in place: ${why}` });
        continue;
      }
      const wantsRemoval = (e: Environment): boolean => removeDeployed && roles.get(e) === 'deployed';
      const remove = [...item.envs.keys()].every(wantsRemoval);
      const fix = ctx.report({
        ...where,
        message: `${item.service} (${item.store}) publishes ${typeof item.raw === 'string' ? item.raw : 'a port'} on every interface in ${names.join(', ')}: the ${item.store} is reachable from any network the host is on (Docker bypasses the host firewall)`,
      });
      if (!fix) continue;
      const asked = [...item.envs.keys()].filter(wantsRemoval);
      if (!remove && asked.length)
        fix.after({
          kind: 'remove-shared',
          ...where,
          environments: asked.map((e) => e.name),
          message: `${item.service}: bound to ${LOOPBACK} in ${asked.map((e) => e.name).join(', ')} rather than removed: ${item.file.path} is loaded by local environments too (an override would need \`ports: !override\`)`,
        });
      if (remove) {
        const byService = removals.get(item.file) ?? new Map<string, Item[]>();
        byService.set(item.service, [...(byService.get(item.service) ?? []), item]);
        removals.set(item.file, byService);
        const all = serviceOf(item.file.model, item.service)?.ports as unknown[];
        const gone = byService.get(item.service)!.length === all.length;
        // the last item of the list: the whole `ports` entry goes (an empty list is noise)
        if (gone) fix.editor(item.file).deletePair(['services', item.service, 'ports']);
        else fix.editor(item.file).deleteItem(path);
        for (const [e, idx] of item.envs) for (const i of idx) fix.intend(attributeSet({ env: e.name, service: item.service }, ['ports', i], undefined));
        fix.note({ file: item.file.path, service: item.service, message: `removed the published port ${String(item.raw)}`, reason: `deployed environments reach the ${item.store} over the Compose network; published, it is reachable from any network the host is on` });
        continue;
      }
      const ed = fix.editor(item.file);
      if (isObj(item.raw)) {
        if ('host_ip' in item.raw) ed.replaceScalar([...path, 'host_ip'], LOOPBACK);
        else ed.insertPair(path, 'host_ip', LOOPBACK, { before: Object.keys(item.raw)[0] });
      } else ed.replaceScalar(path, bound(String(item.raw)));
      for (const [e, idx] of item.envs) for (const i of idx) fix.intend(attributeSet({ env: e.name, service: item.service }, ['ports', i, 'host_ip'], LOOPBACK));
      fix.note({ file: item.file.path, service: item.service, message: `bound ${String(isObj(item.raw) ? 'the port' : item.raw)} to ${LOOPBACK}`, reason: `tools on the host still reach the ${item.store}; other machines no longer do` });
    }
  },
};

export default rule;
