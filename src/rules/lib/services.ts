/**
 * Typed reading of compose models for rules: the services and top-level sections of a merged
 * model or of one file's raw model, and the order a reader meets the services in.
 */
import { isObj, type Obj } from '../../core/plain.js';
import type { ComposeFile, Environment } from '../project.js';

export function servicesOf(model: unknown): Record<string, Obj> {
  const s = isObj(model) ? model.services : undefined;
  const out: Record<string, Obj> = {};
  if (isObj(s)) for (const [k, v] of Object.entries(s)) out[k] = isObj(v) ? v : {};
  return out;
}

export function serviceOf(model: unknown, name: string): Obj | undefined {
  const s = isObj(model) ? model.services : undefined;
  if (!isObj(s) || !(name in s)) return undefined;
  const v = s[name];
  return isObj(v) ? v : {};
}

/** Top-level section (volumes, networks...) as a map; null entries become {}. */
export function sectionOf(model: unknown, section: string): Record<string, Obj> {
  const s = isObj(model) ? model[section] : undefined;
  const out: Record<string, Obj> = {};
  if (isObj(s)) for (const [k, v] of Object.entries(s)) out[k] = isObj(v) ? v : {};
  return out;
}

/** Does the raw model of the file define this service (physically or not)? */
export function fileHasService(file: ComposeFile, service: string): boolean {
  return serviceOf(file.model, service) !== undefined;
}

/**
 * Service names in the order a reader meets them: the merged models are key-sorted, so this
 * walks each environment's files in order and lists every service at its first appearance.
 */
export function serviceOrder(env: Environment): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const f of env.files)
    for (const name of Object.keys(servicesOf(f.model)))
      if (!seen.has(name)) {
        seen.add(name);
        out.push(name);
      }
  for (const name of Object.keys(servicesOf(env.merged))) if (!seen.has(name)) out.push(name);
  return out.filter((n) => serviceOf(env.merged, n) !== undefined);
}
