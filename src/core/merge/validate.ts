/**
 * The errors compose v2 raises on a merged model that the merge itself lets through:
 * - schema checks, run after every file's merge (`checkSchema`): uniqueItems on plain-append
 *   lists, `healthcheck.test: null`, `ulimits.X: null`;
 * - consistency checks, run once on the final model (`consistencyIssues`): external volumes
 *   with driver/driver_opts/labels, secrets/configs with several sources, build.dockerfile
 *   with dockerfile_inline.
 */
import { deepEqual, hasOwn, isObj, modelError, type Obj, type Path } from './values.js';

const UNIQUE_ITEMS = ['external_links', 'volumes_from', 'security_opt', 'group_add', 'device_cgroup_rules'];

function assertUnique(list: unknown, path: Path): void {
  if (!Array.isArray(list)) return;
  for (let i = 0; i < list.length; i++) {
    for (let j = 0; j < i; j++) {
      if (deepEqual(list[i], list[j])) {
        throw modelError(
          `${path.join('.')}: items ${j} and ${i} are identical (${JSON.stringify(list[i])}); the compose schema requires unique items`,
          path,
        );
      }
    }
  }
}

/** Throws the first schema error of the merged model (uniqueItems, stored nulls). */
export function checkSchema(model: Obj): void {
  if (isObj(model.services)) {
    for (const [name, svc] of Object.entries(model.services)) {
      if (!isObj(svc)) continue;
      const at: Path = ['services', name];
      for (const key of UNIQUE_ITEMS) assertUnique(svc[key], [...at, key]);
      if (isObj(svc.healthcheck) && hasOwn(svc.healthcheck, 'test') && svc.healthcheck.test === null) {
        throw modelError(`${at.join('.')}.healthcheck.test must be a string or a list, got null`, [...at, 'healthcheck', 'test']);
      }
      if (isObj(svc.ulimits)) {
        for (const [limit, value] of Object.entries(svc.ulimits)) {
          if (value === null) {
            throw modelError(`${at.join('.')}.ulimits.${limit} must be a number or {soft, hard}, got null`, [...at, 'ulimits', limit]);
          }
        }
      }
    }
  }
  if (isObj(model.volumes)) {
    for (const [name, def] of Object.entries(model.volumes)) {
      if (isObj(def)) assertUnique(def.labels, ['volumes', name, 'labels']);
    }
  }
}

export interface Issue {
  message: string;
  path: Path;
}

/** Consistency problems of the final model (compose checks them once, after the last file). */
export function consistencyIssues(model: Obj): Issue[] {
  const issues: Issue[] = [];
  const each = (section: string, check: (def: Obj, path: Path) => void) => {
    const defs = model[section];
    if (!isObj(defs)) return;
    for (const [name, def] of Object.entries(defs)) if (isObj(def)) check(def, [section, name]);
  };
  each('volumes', (def, path) => {
    if (def.external !== true) return;
    for (const key of ['driver', 'driver_opts', 'labels']) {
      if (hasOwn(def, key)) issues.push({ message: `${path.join('.')}: conflicting parameters "external" and "${key}" specified`, path });
    }
  });
  const exclusive = (keys: string[]) => (def: Obj, path: Path) => {
    const set = keys.filter((k) => hasOwn(def, k));
    if (set.length > 1) issues.push({ message: `${path.join('.')}: ${keys.join('|')} attributes are mutually exclusive (has ${set.join(' and ')})`, path });
  };
  each('secrets', exclusive(['file', 'environment']));
  each('configs', exclusive(['file', 'environment', 'content']));
  each('services', (svc, path) => {
    if (isObj(svc.build) && hasOwn(svc.build, 'dockerfile') && hasOwn(svc.build, 'dockerfile_inline')) {
      issues.push({ message: `${path.join('.')}.build: dockerfile and dockerfile_inline are mutually exclusive`, path: [...path, 'build'] });
    }
  });
  return issues;
}
