/**
 * Project-level settings every fix reads: which tool runs the project (Docker Compose or
 * podman-compose) and which Compose version the output must work with. One object, filled by
 * the CLI today (`--runtime`, `--compose-version`, detection) and by the config file later.
 *
 * What each target supports (checked against the tools; see README "Runtime targets"):
 * - `!reset` / `!override`: Docker Compose >= 2.24.4 (the release that moved to compose-go
 *   2.0.0-rc.3; earlier 2.2x releases drop or mis-merge them). podman-compose 1.6 applies
 *   `!reset` to service keys, and crashes on `!override` sequences (`config` and `up`).
 * - secrets with an `environment:` source: Docker Compose >= 2.23.1 (compose-go 1.20.1).
 *   podman-compose 1.6 refuses them at `up` ("uses environment source, which is not
 *   supported"; 1.3: "unparsable secret"); `config` does not show it, `--dry-run up` does.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ComposemodError } from '../core/errors.js';

export type RuntimeKind = 'docker' | 'podman-compose';

export interface Runtime {
  kind: RuntimeKind;
  /** The Docker Compose version the output must work with (`2.40.3`). */
  composeVersion: string;
  /** How it was chosen: an option, found in the project, or the default. */
  source: 'option' | 'detected' | 'default';
  /** For `detected`: where (`Makefile:3 runs podman-compose`). */
  evidence?: string;
}

export interface FixSettings {
  runtime: Runtime;
}

/** The newest Docker Compose composemod is checked against (the default target). */
export const NEWEST_COMPOSE = '2.40.3';

export const DEFAULT_SETTINGS: FixSettings = {
  runtime: { kind: 'docker', composeVersion: NEWEST_COMPOSE, source: 'default' },
};

export interface Capabilities {
  /** `key: !reset null` in an override. */
  resetTag: boolean;
  /** `key: !override ...` in an override. */
  overrideTag: boolean;
  /** `secrets: {x: {environment: VAR}}`. */
  environmentSecrets: boolean;
}

export function parseVersion(v: string): number[] {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(v.trim());
  if (!m) throw new ComposemodError(`invalid --compose-version "${v}": expected MAJOR.MINOR.PATCH, e.g. 2.24.4`);
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

/** a >= b for dotted versions. */
export function atLeast(a: string, b: string): boolean {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return true;
}

export function capabilities(r: Runtime): Capabilities {
  if (r.kind === 'podman-compose') return { resetTag: true, overrideTag: false, environmentSecrets: false };
  return {
    resetTag: atLeast(r.composeVersion, '2.24.4'),
    overrideTag: atLeast(r.composeVersion, '2.24.4'),
    environmentSecrets: atLeast(r.composeVersion, '2.23.1'),
  };
}

/** `docker`, `podman-compose (detected: Makefile:3 runs podman-compose)`, `docker compose 2.22.0`. */
export function describeRuntime(r: Runtime): string {
  const what = r.kind === 'podman-compose' ? 'podman-compose' : `Docker Compose ${r.composeVersion}`;
  return r.source === 'detected' ? `${what} (detected: ${r.evidence})` : r.source === 'option' ? `${what} (--runtime / --compose-version)` : what;
}

const SCRIPT_FILES = /^(Makefile|makefile|GNUmakefile|justfile|Justfile|Taskfile\.ya?ml|package\.json|Procfile|README(\.[a-z]+)?|readme(\.[a-z]+)?|.*\.(sh|bash|mk|md|rst|txt|ps1))$/;
const SCRIPT_DIRS = ['', 'scripts', 'bin', 'docs', 'deploy', 'ops', '.github/workflows'];

/**
 * podman-compose is the runtime when the project's scripts, Makefile, README or CI files invoke
 * `podman-compose` (or `podman compose`). Returns where, or undefined. Reads at most 200 small
 * text files in the project directory and a few usual subdirectories.
 */
export function detectRuntime(dir: string): { kind: RuntimeKind; evidence: string } | undefined {
  let read = 0;
  for (const sub of SCRIPT_DIRS) {
    const d = path.join(dir, sub);
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      const isWorkflow = sub === '.github/workflows' && /\.ya?ml$/.test(n);
      if (!isWorkflow && !SCRIPT_FILES.test(n)) continue;
      const p = path.join(d, n);
      try {
        const st = statSync(p);
        if (!st.isFile() || st.size > 1024 * 1024) continue;
      } catch {
        continue;
      }
      if (++read > 200) return undefined;
      let text: string;
      try {
        text = readFileSync(p, 'utf8');
      } catch {
        continue;
      }
      const lines = text.split('\n');
      const i = lines.findIndex((l) => /\bpodman[- ]compose\b/.test(l));
      if (i >= 0) return { kind: 'podman-compose', evidence: `${path.join(sub, n)}:${i + 1} runs podman-compose` };
    }
  }
  return undefined;
}

/** Settings from CLI-style options; `detected` fills the runtime when no option names one. */
export function resolveSettings(
  opts: { runtime?: string; composeVersion?: string },
  detected?: { kind: RuntimeKind; evidence: string },
): FixSettings {
  if (opts.runtime !== undefined && opts.runtime !== 'docker' && opts.runtime !== 'podman-compose')
    throw new ComposemodError(`invalid --runtime "${opts.runtime}": expected docker or podman-compose`);
  const composeVersion = opts.composeVersion ?? NEWEST_COMPOSE;
  parseVersion(composeVersion);
  if (opts.runtime) return { runtime: { kind: opts.runtime, composeVersion, source: 'option' } };
  if (detected) return { runtime: { kind: detected.kind, composeVersion, source: 'detected', evidence: detected.evidence } };
  return { runtime: { kind: 'docker', composeVersion, source: opts.composeVersion ? 'option' : 'default' } };
}
