/**
 * cap-drop: a container gets Docker's default capability set (CHOWN, DAC_OVERRIDE, FOWNER,
 * SETUID, SETGID, NET_RAW, MKNOD...) unless `cap_drop: [ALL]` removes it; most need few or none.
 * For images whose entrypoint's needs are known (data/images.ts `capAdd`), the fix drops ALL
 * and adds back exactly those; it is behaviour-changing (applied with `--only cap-drop`): a
 * code path the table does not know (a plugin, a healthcheck tool, a custom entrypoint) may
 * need a capability the container no longer has.
 *
 * Rules:
 * - Judged per environment on the merged model; `privileged: true` (which `cap_drop` does not
 *   restrict) and a custom `entrypoint` (the table describes the image's own) are reported
 *   without a fix.
 * - Placement as healthcheck: one edit in the image's file when every environment loading it
 *   needs the same, else a file only they load (lib/env-placement.ts). `cap_drop` and
 *   `cap_add` merge as sets across files, so an environment's own entries stay.
 */
import type { Rule, RuleContext } from './types.js';
import type { Environment } from './project.js';
import { attributeContains } from './intent/deltas.js';
import { knownImage } from './data/images.js';
import { strings } from '../core/plain.js';
import { serviceOrder, servicesOf } from './lib/services.js';
import { placePerEnvironment } from './lib/env-placement.js';
import { Unfixed } from './lib/unfixed.js';
import { editBlocker } from './place.js';
import { appendToList, listBlocker } from './lib/service-lists.js';

const upper = (v: unknown): string[] => strings(v).map((c) => c.toUpperCase().replace(/^CAP_/, ''));

interface Want {
  image: string;
  add: string[];
}

const rule: Rule = {
  meta: {
    id: 'cap-drop',
    description: 'Drop every Linux capability (`cap_drop: [ALL]`) and add back only what known images need',
    rationale:
      "A container gets Docker's default capabilities (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW, MKNOD...) though most need few or none; each one is a way to turn a compromise of the container into more.",
    severity: 'warning',
    fixable: 'behaviour-changing',
    docs: 'docs/rules/cap-drop.md',
    kinds: {
      'unknown-image': { severity: 'note', description: 'no `cap_drop: [ALL]`, and composemod does not know which capabilities the image needs' },
      privileged: { severity: 'note', description: 'privileged: capabilities are not what limits this container' },
      'not-editable': { severity: 'warning', description: 'the place to add cap_drop/cap_add cannot be edited in place' },
      'shared-files': { severity: 'warning', description: 'every file of the environment is shared with one that needs other capabilities' },
    },
    options: [],
  },
  check(ctx: RuleContext): void {
    const { project } = ctx;
    const needs = new Map<string, Map<Environment, Want>>();
    const unfixed = new Unfixed();
    for (const env of project.environments) {
      const services = servicesOf(env.merged);
      for (const name of serviceOrder(env)) {
        const svc = services[name];
        if (upper(svc.cap_drop).includes('ALL')) continue;
        if (svc.privileged === true) {
          unfixed.add('privileged', name, `${name} runs privileged: dropping capabilities does not limit it; remove privileged: true first`, env);
          continue;
        }
        const hit = svc.build === undefined ? knownImage(svc.image) : undefined;
        if (!hit?.entry.capAdd || svc.entrypoint !== undefined) {
          const what = svc.entrypoint !== undefined ? 'its entrypoint is its own' : hit ? `composemod does not know what ${hit.entry.id} needs` : `composemod does not know what ${typeof svc.image === 'string' ? svc.image : 'its image'} needs`;
          unfixed.add('unknown-image', name, `${name} keeps Docker's default capabilities (no cap_drop: [ALL]); ${what}: drop ALL and add back what it needs by hand`, env);
          continue;
        }
        const have = new Set(upper(svc.cap_add));
        if (!needs.has(name)) needs.set(name, new Map());
        needs.get(name)!.set(env, { image: hit.entry.id, add: hit.entry.capAdd.filter((c) => !have.has(c)) });
      }
    }
    unfixed.report(ctx);

    for (const [service, byEnv] of needs) {
      const placements = placePerEnvironment(project, service, byEnv, (w) => w.add.join(','), (env) =>
        ctx.report({ kind: 'shared-files', service, environments: [env.name], message: `${service} keeps Docker's default capabilities in environment ${env.name}, but every file of it is shared with an environment that needs other ones; add cap_drop by hand` }),
      );
      for (const p of placements) {
        const svcPath = ['services', service];
        const envNames = p.envs.map((e) => e.name);
        const blocker = editBlocker(p.file, svcPath) ?? listBlocker(p.file, service, 'cap_drop') ?? (p.want.add.length ? listBlocker(p.file, service, 'cap_add') : null);
        if (blocker) {
          ctx.report({ kind: 'not-editable', file: p.file, path: svcPath, service, environments: envNames, message: `${service} keeps Docker's default capabilities, but ${blocker}; add cap_drop: [ALL] by hand` });
          continue;
        }
        const adds = p.want.add.length ? `; ${p.want.image} needs ${p.want.add.join(', ')} back` : '';
        const fix = ctx.report({
          message: `${service} keeps Docker's default capabilities (no cap_drop: [ALL])${adds}`,
          file: p.file,
          path: svcPath,
          service,
          environments: envNames,
        });
        if (!fix) continue;
        const ed = fix.editor(p.file);
        appendToList(ed, p.file, service, 'cap_drop', ['ALL']);
        if (p.want.add.length) appendToList(ed, p.file, service, 'cap_add', p.want.add);
        for (const e of p.envs) {
          fix.intend(attributeContains({ env: e.name, service }, 'cap_drop', ['ALL']));
          if (p.want.add.length) fix.intend(attributeContains({ env: e.name, service }, 'cap_add', p.want.add));
        }
        fix.note({
          file: p.file.path,
          service,
          message: `cap_drop: [ALL]${p.want.add.length ? `, cap_add: [${p.want.add.join(', ')}]` : ''}${project.environments.length > 1 ? ` (environments: ${envNames.join(', ')})` : ''}`,
          reason: p.want.add.length ? `the ${p.want.image} image's entrypoint needs ${p.want.add.join(', ')} and nothing else` : `the ${p.want.image} image needs no capability`,
        });
      }
    }
  },
};

export default rule;

