/**
 * no-new-privileges: a service whose merged `security_opt` does not set `no-new-privileges`
 * lets its processes gain privileges through setuid/setgid binaries and file capabilities.
 * The fix adds `no-new-privileges:true` to `security_opt`.
 *
 * Merge-aware placement: Compose appends `security_opt` lists across files and refuses a list
 * with the same entry twice, so every environment that lacks the option must get it from
 * exactly one file, and no environment that has it (or that says `no-new-privileges:false`)
 * may get it again. The option goes into the file that sets the service's `image:` when every
 * environment loading that file needs it (one edit fixes them all), else into the last file
 * they all load that defines the service and that only environments needing it load, else
 * into the last file
 * of each environment whose loaders all need it and that no chosen file already covers (an
 * override only that environment loads). An environment with no such file is reported as
 * `no-file`; a `security_opt` that cannot be edited in place (alias, `<<`) as `not-editable`.
 */
import type { Rule } from './types.js';
import type { ComposeFile, Environment } from './project.js';
import { securityOptAdded } from './intent/deltas.js';
import { fileHasService, serviceOf, serviceOrder, servicesOf } from './lib/services.js';
import { addToService, editBlocker, exists, ownerOf, sharedFiles } from './place.js';
import { resolver } from './lib/security.js';
import { splitOption } from './security-opt-disabled.js';

export const NO_NEW_PRIVILEGES = 'no-new-privileges:true';

const rule: Rule = {
  meta: {
    id: 'no-new-privileges',
    description: 'Set `security_opt: [no-new-privileges:true]` on every service',
    rationale:
      'Without no-new-privileges a process in the container can gain privileges through a setuid or setgid binary or file capabilities (su, sudo, a planted binary); with it, execve never grants more than the process had.',
    severity: 'warning',
    // an image that relies on sudo/su (setuid) after starting unprivileged stops working
    fixable: 'behaviour-changing',
    options: [],
    kinds: {
      'no-file': { severity: 'warning', description: 'no file can take the option for this environment without giving it twice to another one' },
      'not-editable': { severity: 'warning', description: 'the place to add the option cannot be edited in place (alias, `<<`, not a list)' },
    },
    docs: 'docs/rules/no-new-privileges.md',
  },
  check(ctx) {
    const { project } = ctx;
    // 1. analyse: which environments lack it, per service
    const needs = new Map<string, Environment[]>();
    for (const env of project.environments) {
      const resolve = resolver(ctx, env);
      const services = servicesOf(env.merged);
      for (const name of serviceOrder(env)) {
        const opts = Array.isArray(services[name].security_opt) ? (services[name].security_opt as unknown[]) : [];
        const set = opts.some((o) => typeof o === 'string' && splitOption(resolve(o).value)[0] === 'no-new-privileges');
        if (set) continue;
        needs.set(name, [...(needs.get(name) ?? []), env]);
      }
    }
    // 2. place: files that give the option to every environment that needs it, exactly once
    for (const [service, envs] of needs) {
      const need = new Set(envs);
      const covered = new Set<Environment>();
      const loaders = (f: ComposeFile): Environment[] => project.environments.filter((e) => e.files.includes(f));
      const ok = (f: ComposeFile): boolean => loaders(f).every((e) => need.has(e) && !covered.has(e) && serviceOf(e.merged, service) !== undefined);
      const chosen: { file: ComposeFile; envs: Environment[] }[] = [];
      const choose = (f: ComposeFile): void => {
        const reach = loaders(f);
        for (const e of reach) covered.add(e);
        chosen.push({ file: f, envs: reach });
      };
      const owners = new Set(envs.map((e) => ownerOf(e, service, 'image')));
      const owner = owners.size === 1 ? [...owners][0] : undefined;
      if (owner && ok(owner)) choose(owner);
      else {
        // else the last file they all load that defines the service: still one edit for all
        const shared = sharedFiles(envs).reverse().find((g) => fileHasService(g, service) && ok(g));
        if (shared) choose(shared);
      }
      const missing: Environment[] = [];
      for (const env of envs) {
        if (covered.has(env)) continue;
        const files = [...env.files].reverse();
        const f = files.find((g) => fileHasService(g, service) && ok(g)) ?? files.find((g) => ok(g));
        if (f) choose(f);
        else missing.push(env);
      }
      if (missing.length)
        ctx.report({
          kind: 'no-file',
          service,
          environments: missing.map((e) => e.name),
          message: `${service} can gain privileges (no-new-privileges is not set), and every file of ${missing.map((e) => e.name).join(', ')} is shared with an environment that already sets it: add security_opt no-new-privileges:true in a file only ${missing.length > 1 ? 'they load' : 'it loads'}`,
        });
      // 3. report and fix
      for (const { file, envs: reach } of chosen) {
        const optPath = ['services', service, 'security_opt'];
        const raw = serviceOf(file.model, service);
        const hasList = exists(file, optPath);
        const why = hasList ? editBlocker(file, optPath) : raw && 'security_opt' in raw ? 'security_opt is inherited through `<<`' : editBlocker(file, ['services', service]);
        const names = reach.map((e) => e.name);
        const at = fileHasService(file, service) ? { file, path: hasList ? optPath : ['services', service] } : {};
        if (why) {
          ctx.report({ kind: 'not-editable', service, environments: names, ...at, message: `${service} can gain privileges (no-new-privileges is not set); ${file.path}: ${why}, so add no-new-privileges:true to its security_opt by hand` });
          continue;
        }
        const fix = ctx.report({
          service,
          environments: names,
          ...at,
          message: `${service} can gain privileges through setuid binaries and file capabilities (no-new-privileges is not set)`,
        });
        if (!fix) continue;
        const ed = fix.editor(file);
        if (hasList) ed.appendItem(optPath, NO_NEW_PRIVILEGES);
        else addToService(ed, file, service, 'security_opt', [NO_NEW_PRIVILEGES]);
        for (const e of reach) fix.intend(securityOptAdded({ env: e.name, service }, NO_NEW_PRIVILEGES));
        fix.note({
          file: file.path,
          service,
          message: `added security_opt ${NO_NEW_PRIVILEGES}${reach.length < project.environments.length ? ` (for ${names.join(', ')})` : ''}`,
          reason: 'no process of the container can gain privileges through setuid/setgid binaries or file capabilities',
        });
      }
    }
  },
};

export default rule;
