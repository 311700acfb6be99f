import { configText, loadProject, type ComposeVersion } from '../../core/loader/index.js';
import type { Io } from '../output.js';

export interface ConfigOptions {
  file?: string[];
  projectName?: string;
  projectDirectory?: string;
  envFile?: string[];
  profile?: string[];
  interpolate?: boolean;
  format: 'yaml' | 'json';
  composeVersion?: ComposeVersion;
}

/**
 * `composemod config`: what `docker compose config` prints, byte for byte, offline and without
 * a Docker engine. Compose's warnings go to stderr; errors are `file:line:col: message`, exit 2.
 */
export async function configCommand(io: Io, opts: ConfigOptions): Promise<number> {
  const project = loadProject({
    workingDir: io.cwd,
    files: opts.file,
    projectName: opts.projectName,
    projectDirectory: opts.projectDirectory,
    envFiles: opts.envFile,
    profiles: opts.profile,
    environment: io.env,
    interpolate: opts.interpolate !== false,
    composeVersion: opts.composeVersion,
    warn: (m) => io.stderr.write(`warning: ${m}\n`),
  });
  io.stdout.write(configText(project, opts.format));
  return 0;
}
