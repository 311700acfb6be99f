import { stringify } from 'yaml';
import { ComposemodError } from '../../core/errors.js';
import { loadComposeFile, locate, resolveExtendsFile, type LoadedFile } from '../../core/project.js';
import { configModel } from '../../core/merge/index.js';
import type { Io } from '../output.js';

export interface ConfigOptions {
  file: string[];
  format: 'yaml' | 'json';
}

/**
 * `composemod config -f a.yml [-f b.yml ...]`: the merged model in the normal form. Merge
 * errors Compose v2 would raise are reported with the file and the line of the offending key.
 */
export async function configCommand(io: Io, opts: ConfigOptions): Promise<number> {
  const loaded: LoadedFile[] = [];
  for (const f of opts.file) loaded.push(await loadComposeFile(f));
  let model;
  try {
    model = configModel(
      loaded.map((l) => ({ path: l.path, model: l.model })),
      { resolveExtendsFile },
    );
  } catch (e) {
    throw withLine(e, loaded);
  }
  io.stdout.write(opts.format === 'json' ? JSON.stringify(model, null, 2) + '\n' : stringify(model, { lineWidth: 0 }));
  return 0;
}

/** A merge error names a file and a model path; add the line of that path in that file. */
export function withLine(e: unknown, files: readonly LoadedFile[]): unknown {
  if (!(e instanceof ComposemodError) || e.line !== undefined || !e.modelPath) return e;
  const file = files.find((f) => f.path === e.file) ?? files[files.length - 1];
  const loc = file ? locate(file.source, e.modelPath) : undefined;
  return loc ? e.withLocation({ file: file.path, ...loc }) : e;
}
