/**
 * Findings without a fix about one service, gathered over the environments: one finding per
 * kind, service, message and the file that sets the service's image there, with every
 * environment it holds in (report once, at the owning line).
 */
import type { RuleContext } from '../types.js';
import type { ComposeFile, Environment } from '../project.js';
import { ownerOf } from '../place.js';

export class Unfixed {
  private readonly found = new Map<string, { kind: string; message: string; file?: ComposeFile; service: string; envs: string[] }>();

  add(kind: string, service: string, message: string, env: Environment): void {
    const file = ownerOf(env, service, 'image');
    const key = `${kind}\0${service}\0${message}\0${file?.path ?? ''}`;
    const o = this.found.get(key);
    if (o) o.envs.push(env.name);
    else this.found.set(key, { kind, message, file, service, envs: [env.name] });
  }

  report(ctx: RuleContext): void {
    for (const o of this.found.values())
      ctx.report({ kind: o.kind, message: o.message, service: o.service, environments: o.envs, ...(o.file ? { file: o.file, path: ['services', o.service] } : {}) });
  }
}
