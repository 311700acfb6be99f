/**
 * Where a per-service change goes when environments need different things: each environment
 * that needs a change names it by a key (the same key: the same edit), and an edit may go into
 * a file only when every environment that loads that file (and has the service) needs exactly
 * that key. The file that sets the service's `image:` comes first (one edit for every
 * environment when they all take the image from there), then the files the group shares, then,
 * per environment, a file only it and environments needing the same thing load.
 */
import type { ComposeFile, Environment, Project } from '../project.js';
import { envsUsing, ownerOf, sharedFiles } from '../place.js';
import { fileHasService } from './services.js';

export interface EnvPlacement<T> {
  file: ComposeFile;
  /** Every environment the edit reaches (all of them need `want`). */
  envs: Environment[];
  want: T;
}

/**
 * Placements for `service`. `needs`: environment -> what it needs (`keyOf` tells equal needs
 * apart). `unplaced` receives the environments no file can serve without reaching another.
 */
export function placePerEnvironment<T>(
  project: Project,
  service: string,
  needs: ReadonlyMap<Environment, T>,
  keyOf: (want: T) => string,
  unplaced: (env: Environment, want: T) => void,
): EnvPlacement<T>[] {
  const keys = new Map<Environment, string>([...needs].map(([e, w]) => [e, keyOf(w)]));
  const safe = (file: ComposeFile, key: string): boolean => envsUsing(project, file, service).every((e) => keys.get(e) === key);
  const groups = new Map<string, Environment[]>();
  for (const [e, k] of keys) groups.set(k, [...(groups.get(k) ?? []), e]);
  const out: EnvPlacement<T>[] = [];
  for (const [key, envs] of groups) {
    const want = needs.get(envs[0])!;
    const owners = new Set(envs.map((e) => ownerOf(e, service, 'image')));
    const common = owners.size === 1 ? [...owners][0] : undefined;
    const shared = sharedFiles(envs).filter((f) => fileHasService(f, service));
    const one = [common, ...shared].find((f): f is ComposeFile => !!f && safe(f, key));
    if (one) {
      out.push({ file: one, envs: envsUsing(project, one, service), want });
      continue;
    }
    for (const env of envs) {
      if (out.some((p) => p.envs.includes(env))) continue;
      const candidates = [ownerOf(env, service, 'image'), ...[...env.files].reverse()].filter((f): f is ComposeFile => !!f && safe(f, key));
      const file = candidates.find((f) => fileHasService(f, service)) ?? candidates[0];
      if (!file) unplaced(env, want);
      else out.push({ file, envs: envsUsing(project, file, service), want });
    }
  }
  return out;
}
