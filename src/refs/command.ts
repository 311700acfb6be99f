/**
 * `composemod refs [dir]`: lists the references to the project's compose files in its
 * repository, and which environment (file list) each selects. Writes nothing.
 */
import path from 'node:path';
import { detectProject, parseEnvSpecs, type Environment } from '../core/discover.js';
import type { Io } from '../cli/output.js';
import { updateReferences } from './update.js';
import { countByStatus, referencesJson } from './report.js';

export interface RefsOptions {
  dir?: string;
  env?: string[];
  json?: boolean;
}

export async function refsCommand(io: Io, opts: RefsOptions): Promise<number> {
  const dir = path.resolve(io.cwd, opts.dir ?? '.');
  let envs: Environment[];
  if (opts.env?.length) envs = parseEnvSpecs(opts.env, dir);
  else {
    const project = await detectProject(dir);
    envs = project.environments;
    if (!envs.length) {
      io.stdout.write(`no compose files in ${path.relative(io.cwd, dir) || '.'}\n`);
      return 0;
    }
  }
  const r = await updateReferences({ projectDir: dir, envs: envs.map((e) => ({ name: e.name, before: e.files, after: e.files })) });
  const refs = r.references.filter((x) => x.status !== 'unrelated');
  if (opts.json) {
    io.stdout.write(JSON.stringify({ environments: envs.map((e) => ({ name: e.name, files: e.files.map((f) => rel(io.cwd, f)) })), references: referencesJson({ ...r, references: refs }, io.cwd) }, null, 2) + '\n');
    return 0;
  }
  const out: string[] = [];
  for (const x of refs) {
    const at = `${rel(io.cwd, x.file)}:${x.line}`;
    const what = x.environment ? `${x.environment} (${x.before?.length ? x.before.join(' ') : 'default files'})` : `${x.status}: ${x.reason}`;
    out.push(`${at}  ${x.where}: ${what}`);
  }
  const counts = countByStatus(refs);
  out.push(`${refs.length} reference${refs.length === 1 ? '' : 's'} to the compose files of ${rel(io.cwd, dir)}${refs.length ? ` (${[...counts].map(([s, n]) => `${n} ${s === 'current' ? 'selecting an environment' : s}`).join(', ')})` : ''}`);
  io.stdout.write(out.join('\n') + '\n');
  return 0;
}

const rel = (cwd: string, f: string): string => path.relative(cwd, f).split(path.sep).join('/') || '.';
