/**
 * The types extract's modules share: what the caller gives and gets (re-exported by
 * extract.ts), and the internal shapes of one extraction (its context, the placement of the
 * files, a candidate set of outputs before verification).
 */
import path from 'node:path';
import type { ComposeSource } from '../core/source.js';
import type { Environment, Family } from '../core/discover.js';
import type { FileChange } from '../core/save.js';

export type Layout = 'override' | 'per-env';

/** `--layer NAME=ENV,ENV...`: a shared layer for a group of environments. */
export interface LayerSpec {
  name: string;
  envs: string[];
}

export interface ExtractInput {
  /** Project directory (new files are created here). */
  dir: string;
  /** Environments with absolute file paths, in the order Compose gets them. */
  environments: Environment[];
  /** Every environment file, parsed, by absolute path. */
  sources: ReadonlyMap<string, ComposeSource>;
  family: Family;
  ext: '.yml' | '.yaml';
  layout?: Layout;
  /** Absolute path of the base file (default: the default file name of the family). */
  base?: string;
  /** `--name ENV=FILE`: the file an environment's override is written to (absolute paths). */
  names?: ReadonlyMap<string, string>;
  /** `--layer`: groups that get a shared layer (used when it makes the files shorter). */
  layers?: LayerSpec[];
  /** Look for shared layers on their own (default true). */
  autoLayers?: boolean;
  /**
   * A service some environments lack may live in the base, disabled in those environments by
   * `profiles: [<marker>]` (default true).
   */
  profiles?: boolean;
  /** Does a file exist on disk (to refuse overwriting an unrelated file)? */
  exists?: (file: string) => boolean;
  /** Is a file ignored by git (a file extract writes there would not be committed)? */
  ignored?: (file: string) => boolean;
  resolveExtendsFile?: (file: string, fromFile: string) => unknown;
  /** May use `!reset` / `!override` (Compose >= 2.24.4) where that makes the files shorter. */
  allowReset?: boolean;
  /**
   * Least share of the lines the extraction must remove to be worth a new layout (new files,
   * every command changing): below it, nothing to do. Default 0.05.
   */
  minSaving?: number;
}

/** Extract when it removes at least this share of the lines. */
export const DEFAULT_MIN_SAVING = 0.05;

export const percent = (part: number, whole: number): string => `${Math.round((1000 * part) / whole) / 10}%`;

/** A `!reset` or `!override` written into an override file. */
export interface Marker {
  tag: '!reset' | '!override';
  /** Model path, dotted (`services.web.ports`). */
  path: string;
}

export interface LayerReport {
  name: string;
  /** Absolute path of the layer file. */
  path: string;
  /** The environments that load it (between the base and their own file). */
  envs: string[];
  /** The environment whose file it was cut from. */
  from: string;
}

export interface EnvReport {
  name: string;
  before: string[];
  after: string[];
  commandBefore: string;
  commandAfter: string;
  linesBefore: number;
  linesAfter: number;
  verified: boolean;
  problem?: string;
  /** `!reset` / `!override` markers in this environment's override (with allowReset). */
  markers: Marker[];
  /** The environment's files after the first one, left as they are (a layered environment). */
  layers: string[];
  /** Services this environment lacks that the base holds, disabled here by the profile. */
  disabled: string[];
}

/** Total lines with the base cut from one environment's file. */
export interface BaseOption {
  env: string;
  /** Undefined: its plans were estimated longer, so its files were not written out. */
  lines?: number;
  /** Comment lines of one environment this choice would put in the base (so it was not taken). */
  homeless?: number;
}

export interface ExtractResult {
  status: 'extracted' | 'nothing-to-do' | 'refused';
  /** Why nothing is done (nothing-to-do / refused). */
  reason?: string;
  layout?: Layout;
  base?: string;
  /** The environment whose file the base was cut from. */
  baseFrom?: string;
  /** The best total for each environment the base could be cut from, best first. */
  baseOptions?: BaseOption[];
  /** Shared layers written. */
  layers: LayerReport[];
  /** The profile that disables services an environment lacks (when one does). */
  profile?: string;
  environments: EnvReport[];
  changes: FileChange[];
  linesBefore: number;
  linesAfter: number;
  notes: string[];
  /** Things to act on (a file git ignores, plain `docker compose` changing meaning). */
  warnings: string[];
  /** Some override uses `!reset` / `!override` (needs Compose >= 2.24.4). */
  usesReset?: boolean;
}

/** Where the files go: decided before planning, the same whichever file the base is cut from. */
export interface Placement {
  layout: Layout;
  basePath: string;
  baseStem: string;
  /** The override file of each head environment. */
  targets: string[];
  /** The head environment in the auto-loaded override file (-1: none). */
  autoIndex: number;
  /** The head environment in the default file before (-1: none). */
  defaultIndex: number;
  notes: string[];
  warnings: string[];
}

/** One way of writing the files, before verification. */
export interface Candidate {
  baseIndex: number;
  reset: boolean;
  /** Services some environments lack may be in the base, disabled by a profile. */
  disable: boolean;
  /** New content by absolute path (base, layers, overrides). */
  outputs: Map<string, string>;
  /** The files each head environment is made of afterwards. */
  after: string[][];
  markers: Marker[][];
  layers: LayerReport[];
  /** Lines of the outputs and of the files left as they are. */
  lines: number;
  /** Comment lines of one environment the base holds (it has no file of its own): avoided. */
  homeless: number;
  notes: string[];
}

export interface Context {
  input: ExtractInput;
  heads: string[];
  headEnvs: Environment[];
  srcs: ComposeSource[];
  models: Record<string, unknown>[];
  place: Placement;
  marker?: string;
  /** Lines of the files that stay as they are (layers of several-file environments). */
  untouchedLines: number;
  /** `canonAt`, remembered. */
  canon: (p: (string | number)[], v: unknown) => string;
}

/** A member's override, parsed for a second stage. */
export interface Parsed {
  src: ComposeSource;
  model: Record<string, unknown>;
  atomic: Set<string>;
}

export function refused(reason: string, environments: Environment[], notes: string[] = []): ExtractResult {
  return {
    status: 'refused',
    reason,
    environments: environments.map((e) => ({
      name: e.name,
      before: e.files,
      after: e.files,
      commandBefore: '',
      commandAfter: '',
      linesBefore: 0,
      linesAfter: 0,
      verified: false,
      markers: [],
      layers: e.files.slice(1),
      disabled: [],
    })),
    layers: [],
    changes: [],
    linesBefore: 0,
    linesAfter: 0,
    notes,
    warnings: [],
  };
}

export const nothingToDo = (reason: string, envs: Environment[]): ExtractResult => ({ ...refused(reason, envs), status: 'nothing-to-do' });

export const rel = (dir: string, f: string): string => path.relative(dir, f).split(path.sep).join('/') || path.basename(f);

export const withBom = (text: string, like: string): string => (like.startsWith('\uFEFF') ? '\uFEFF' + text : text);


/** The first line of an override that loads a shared layer: how to run it. */
export const USAGE = '# Use with: docker compose';
