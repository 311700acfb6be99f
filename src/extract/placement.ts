/**
 * Where the files go, decided before planning (the same whichever file the base is cut from):
 * the layout, the base's path, every environment's override file; refusals for names that
 * collide or files in other directories. Layout safety lives here: the auto-loaded override
 * only holds the development environment plain `docker compose` already ran, unless asked.
 */
import path from 'node:path';
import { isDevName, type Environment, type Family } from '../core/discover.js';
import { refused, rel, type ExtractInput, type ExtractResult, type Layout, type Placement } from './candidate.js';

const DEFAULT_STEM: Record<Family, string> = { compose: 'compose', 'docker-compose': 'docker-compose' };
const DEFAULT_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

/** Decides the layout and every output name (or refuses). */
export function placeFiles(input: ExtractInput, envs: Environment[]): Placement | ExtractResult {
  const { dir } = input;
  const files = envs.map((e) => e.files[0]);
  const notes: string[] = [];
  const warnings: string[] = [];
  const stem = DEFAULT_STEM[input.family];
  const ext = input.ext;
  const defaultNames = [`${stem}${ext}`, ...DEFAULT_NAMES];
  const defaultIndex = files.findIndex((f) => path.dirname(f) === dir && defaultNames.includes(path.basename(f)));
  const basePath = input.base ?? (defaultIndex >= 0 ? files[defaultIndex] : path.join(dir, `${stem}${ext}`));
  const baseStem = path.basename(basePath).replace(/\.ya?ml$/, '');
  // Compose resolves relative paths against the first file's directory: moving content into a
  // base elsewhere would change what they point at
  const away = files.find((f) => path.dirname(f) !== path.dirname(basePath));
  if (away)
    return refused(
      `${rel(dir, away)} is not in the directory of the base (${rel(dir, path.dirname(basePath)) || '.'}): relative paths would point elsewhere; extract files of one directory`,
      input.environments,
    );
  const autoPath = path.join(path.dirname(basePath), `${baseStem}.override${ext}`);
  const names = input.names ?? new Map<string, string>();
  for (const name of names.keys())
    if (!envs.some((e) => e.name === name))
      return refused(
        `--name ${name}: no such environment${input.environments.some((e) => e.name === name) ? ' with a file of its own (it layers on another environment\'s file)' : ''}`,
        input.environments,
      );
  const named = envs.findIndex((e) => names.get(e.name) === autoPath);
  const devIndex = envs.findIndex((e) => isDevName(e.name));
  // The auto-loaded override holds an environment only when asked (--layout override,
  // --name ENV=<base>.override.yml) or when it is the development environment plain
  // `docker compose` already ran (or no file was auto-loaded before).
  let autoIndex = -1;
  if (named >= 0) autoIndex = named;
  else if (input.layout === 'override') autoIndex = defaultIndex >= 0 ? defaultIndex : devIndex;
  else if (input.layout === undefined) {
    if (defaultIndex >= 0) autoIndex = isDevName(envs[defaultIndex].name) ? defaultIndex : -1;
    else autoIndex = devIndex;
  }
  // an environment named into another file is not in the auto-loaded one
  if (autoIndex >= 0 && names.has(envs[autoIndex].name) && names.get(envs[autoIndex].name) !== autoPath) {
    if (input.layout === 'override')
      return refused(`--layout override and --name ${envs[autoIndex].name}=${rel(dir, names.get(envs[autoIndex].name)!)} contradict each other`, input.environments);
    autoIndex = -1;
  }
  if (input.layout === 'override' && autoIndex < 0)
    return refused('--layout override needs a local/dev environment (named dev, development or local, or in the default file)', input.environments);
  if (input.layout === 'per-env' && named >= 0)
    return refused(`--layout per-env and --name ${envs[named].name}=${rel(dir, autoPath)} contradict each other`, input.environments);
  const layout: Layout = autoIndex >= 0 ? 'override' : 'per-env';
  if (autoIndex >= 0 && !isDevName(envs[autoIndex].name))
    notes.push(`${envs[autoIndex].name} goes into the auto-loaded ${rel(dir, autoPath)}, as asked: plain \`docker compose\` runs it`);
  if (defaultIndex >= 0 && autoIndex !== defaultIndex) {
    const was = `plain \`docker compose\` ran ${envs[defaultIndex].name} (${rel(dir, files[defaultIndex])})`;
    warnings.push(
      autoIndex >= 0
        ? `${was}; afterwards it runs ${envs[autoIndex].name} (${rel(dir, basePath)} + ${rel(dir, autoPath)})`
        : `${was}; afterwards it loads the shared base alone: name the files with -f (or --name ${envs[defaultIndex].name}=${rel(dir, autoPath)} to keep plain \`docker compose\` on it)`,
    );
  }
  const targets = envs.map((e, i) => {
    const given = names.get(e.name);
    if (given) return given;
    if (i === autoIndex) return autoPath;
    const own = files[i];
    const ownName = path.basename(own);
    const reserved = own === basePath || defaultNames.includes(ownName) || /\.override\.ya?ml$/.test(ownName);
    return reserved ? path.join(path.dirname(basePath), `${baseStem}.${e.name}${ext}`) : own;
  });
  if (new Set([basePath, ...targets]).size !== targets.length + 1)
    return refused(`two outputs would have the same name (${[basePath, ...targets].map((t) => rel(dir, t)).join(', ')})`, input.environments);
  const layers = new Set(input.environments.flatMap((e) => e.files.slice(1)));
  for (const [i, t] of [basePath, ...targets].entries()) {
    if (layers.has(t)) return refused(`${rel(dir, t)} would be rewritten, but an environment layers it on top of its files`, input.environments);
    const owner = files.indexOf(t);
    if (owner >= 0 && i > 0 && owner !== i - 1 && t !== basePath)
      return refused(`${rel(dir, t)} is ${envs[owner].name}'s file: it cannot be ${envs[i - 1].name}'s output`, input.environments);
    if (!files.includes(t) && input.exists?.(t))
      return refused(`${rel(dir, t)} already exists and is not one of the environment files; move it away or use --base`, input.environments);
  }
  return { layout, basePath, baseStem, targets, autoIndex, defaultIndex, notes, warnings };
}
