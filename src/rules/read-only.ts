/**
 * read-only: a container whose root filesystem is writable lets a compromised process replace
 * binaries and configuration, and hides state that is lost on recreate. `read_only: true`
 * with a tmpfs for the few paths an image writes (data/images.ts `readOnly`) prevents it. The
 * fix is behaviour-changing (applied with `--only read-only`): a write the table does not know
 * (a plugin, a log file, an entrypoint option) fails with "Read-only file system".
 *
 * Rules:
 * - Judged per environment on the merged model; `read_only: false` written explicitly is a
 *   choice and is not reported.
 * - Fixed only for images known to work read-only, with their data directory on a mount
 *   (volume, bind or tmpfs) where they need one (add-volumes adds it); the paths they write
 *   besides get a tmpfs unless something is mounted there already.
 * - Placement as healthcheck (lib/env-placement.ts); `tmpfs` merges as a set across files.
 */
import type { Rule, RuleContext } from './types.js';
import type { Environment } from './project.js';
import { attributeContains } from './intent/deltas.js';
import { knownImage, type ServiceContext } from './data/images.js';
import { dataPathOf } from './data/stateful-images.js';
import { isObj, strings, type Obj } from '../core/plain.js';
import { serviceOrder, servicesOf } from './lib/services.js';
import { placePerEnvironment } from './lib/env-placement.js';
import { Unfixed } from './lib/unfixed.js';
import { appendToList, listBlocker } from './lib/service-lists.js';
import { addToService, editBlocker, exists } from './place.js';

interface Want {
  image: string;
  tmpfs: string[];
}

const clean = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p);

/** Targets of everything mounted into the merged service (volumes, binds, tmpfs). */
function mountTargets(svc: Obj): string[] {
  const out: string[] = [];
  for (const v of Array.isArray(svc.volumes) ? svc.volumes : []) if (isObj(v) && typeof v.target === 'string') out.push(clean(v.target));
  for (const t of strings(svc.tmpfs)) out.push(clean(t.split(':')[0]));
  return out;
}

const covered = (targets: readonly string[], path: string): boolean => targets.some((m) => m === '/' || path === m || path.startsWith(`${m}/`));

const rule: Rule = {
  meta: {
    id: 'read-only',
    description: 'Run known images with a read-only root filesystem (`read_only: true` + tmpfs where they write)',
    rationale:
      'A writable root filesystem lets a compromised process replace binaries and configuration inside the container, and keeps state that vanishes on recreate; read-only with tmpfs for the paths the image writes prevents both.',
    severity: 'note',
    fixable: 'behaviour-changing',
    docs: 'docs/rules/read-only.md',
    kinds: {
      'unknown-image': { severity: 'note', description: 'a writable root filesystem, and composemod does not know what the image writes' },
      'needs-data-volume': { severity: 'note', description: 'a known image whose data directory is not on a mount: read-only would stop it writing its data' },
      'not-editable': { severity: 'warning', description: 'the place to add read_only/tmpfs cannot be edited in place' },
      'shared-files': { severity: 'warning', description: 'every file of the environment is shared with one that needs another tmpfs' },
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
        if (svc.read_only !== undefined) continue; // true, or false by choice
        const hit = svc.build === undefined ? knownImage(svc.image) : undefined;
        const ro = hit?.entry.readOnly;
        const environment = isObj(svc.environment) ? (svc.environment as Record<string, string | null>) : {};
        const command = Array.isArray(svc.command) ? strings(svc.command) : undefined;
        const sctx: ServiceContext | undefined = hit ? { ref: hit.ref, command, environment } : undefined;
        const why = ro?.unless && sctx ? ro.unless(sctx) : undefined;
        if (!hit || !ro || why || svc.entrypoint !== undefined) {
          const what = why ?? (svc.entrypoint !== undefined ? 'its entrypoint is its own' : `composemod does not know what ${hit?.entry.id ?? (typeof svc.image === 'string' ? svc.image : 'its image')} writes`);
          unfixed.add('unknown-image', name, `${name} has a writable root filesystem; ${what}: set read_only: true with a tmpfs for what it writes by hand`, env);
          continue;
        }
        const targets = mountTargets(svc);
        if (ro.needsData) {
          const data = dataPathOf(svc.image, command, environment)?.data;
          if (!data || data.kind !== 'path' || !covered(targets, data.path)) {
            const where = data?.kind === 'path' ? data.path : 'its data directory';
            unfixed.add('needs-data-volume', name, `${name} has a writable root filesystem, but ${where} is not on a mount, so read-only would stop it writing its data (add-volumes mounts one)`, env);
            continue;
          }
        }
        if (!needs.has(name)) needs.set(name, new Map());
        needs.get(name)!.set(env, { image: hit.entry.id, tmpfs: ro.tmpfs.filter((t) => !covered(targets, t)) });
      }
    }
    unfixed.report(ctx);

    for (const [service, byEnv] of needs) {
      const placements = placePerEnvironment(project, service, byEnv, (w) => w.tmpfs.join(','), (env) =>
        ctx.report({ kind: 'shared-files', service, environments: [env.name], message: `${service} has a writable root filesystem in environment ${env.name}, but every file of it is shared with an environment that needs another tmpfs; set read_only by hand` }),
      );
      for (const p of placements) {
        const svcPath = ['services', service];
        const envNames = p.envs.map((e) => e.name);
        const blocker = editBlocker(p.file, svcPath) ?? (p.want.tmpfs.length ? listBlocker(p.file, service, 'tmpfs') : null);
        if (blocker) {
          ctx.report({ kind: 'not-editable', file: p.file, path: svcPath, service, environments: envNames, message: `${service} has a writable root filesystem, but ${blocker}; set read_only by hand` });
          continue;
        }
        const fix = ctx.report({
          message: `${service} has a writable root filesystem; ${p.want.image} runs read-only${p.want.tmpfs.length ? ` with a tmpfs at ${p.want.tmpfs.join(', ')}` : ''}`,
          file: p.file,
          path: svcPath,
          service,
          environments: envNames,
        });
        if (!fix) continue;
        const ed = fix.editor(p.file);
        if (exists(p.file, [...svcPath, 'read_only'])) ed.replaceScalar([...svcPath, 'read_only'], true);
        else addToService(ed, p.file, service, 'read_only', true);
        if (p.want.tmpfs.length) appendToList(ed, p.file, service, 'tmpfs', p.want.tmpfs);
        for (const e of p.envs) {
          fix.intend(attributeContains({ env: e.name, service }, 'read_only', true));
          if (p.want.tmpfs.length) fix.intend(attributeContains({ env: e.name, service }, 'tmpfs', p.want.tmpfs));
        }
        fix.note({
          file: p.file.path,
          service,
          message: `read_only: true${p.want.tmpfs.length ? `, tmpfs: ${p.want.tmpfs.join(', ')}` : ''}${project.environments.length > 1 ? ` (environments: ${envNames.join(', ')})` : ''}`,
          reason: p.want.tmpfs.length ? `the ${p.want.image} image writes only ${p.want.tmpfs.join(', ')} outside its data directory` : `the ${p.want.image} image writes nothing to its filesystem`,
        });
      }
    }
  },
};

export default rule;
