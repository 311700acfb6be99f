/**
 * environment-value-types: `environment:` in mapping form with a value that YAML reads as a
 * number or a boolean (`DEBUG: true`, `PORT: 8080`, `RATIO: 1.0`), or that YAML 1.1 readers
 * read as one (`FLAG: yes`, `on`, `off`...). Docker Compose turns the value into a string the
 * Go way (`true`, `8080`, `1` for `1.0`, `16` for `0x10`, `+Inf` for `.inf`); podman-compose
 * (PyYAML, YAML 1.1) the Python way (`True`, `1.0`, `inf`) and reads `yes` as `True`: the
 * same file gives the container different values, and some images reject `True`.
 *
 * The fix quotes the value as the string Docker Compose passes today (which may differ from
 * the text: `1.0` becomes "1"), so what the container gets under Docker Compose does not change,
 * and podman-compose passes the same. It edits the value where it is written; each file is
 * judged on its own text, for the environments in which that file's value is the one kept.
 * Null values (`KEY:`, `KEY: ~`: pass-through from the shell) are not touched. When the
 * project runs podman-compose (`--runtime podman-compose` or detected), quoting the Compose
 * string would change what its containers get today (`True` -> `true`): such values are
 * reported as `runtime-differs` and not fixed; plain decimal integers, which both pass alike,
 * are still quoted.
 */
import { isScalar } from 'yaml';
import type { Rule } from './types.js';
import type { ComposeFile } from './project.js';
import { nodeAt } from '../core/query.js';
import { isObj } from '../core/plain.js';
import { isOverride } from '../core/merge/index.js';
import { goString } from '../core/merge/values.js';
import { serviceOf, servicesOf } from './lib/services.js';
import { editBlocker } from './place.js';

/** Plain scalars that YAML 1.1 (PyYAML, podman-compose) reads as booleans but YAML 1.2 (Compose) as strings. */
const YAML11_BOOL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/** Does the raw environment of `file`'s service define `key` (map or list form)? */
function defines(file: ComposeFile, service: string, key: string): boolean {
  const raw = serviceOf(file.model, service)?.environment;
  const env = isOverride(raw) ? raw.value : raw;
  if (isObj(env)) return key in env;
  if (Array.isArray(env)) return env.some((x) => typeof x === 'string' && (x === key || x.startsWith(`${key}=`)));
  return false;
}

const rule: Rule = {
  meta: {
    id: 'environment-value-types',
    description: 'Quote environment values that YAML reads as numbers or booleans, as the string Docker Compose passes',
    rationale:
      'An unquoted `true`, `8080`, `1.0` or `yes` is turned into a string by the tool that runs the file, and the tools disagree (Docker Compose passes `true` and `1`, podman-compose `True` and `1.0`, and reads `yes` as `True`): quoting makes the value the container gets explicit and the same everywhere.',
    severity: 'warning',
    fixable: 'safe',
    options: [],
    kinds: {
      'not-editable': { severity: 'warning', description: 'the value cannot be edited in place (alias, `<<`, a tag)' },
      'runtime-differs': { severity: 'warning', description: 'the project runs podman-compose, which passes this value differently from Docker Compose (True vs true): not fixed, a human picks the string' },
    },
    docs: 'docs/rules/environment-value-types.md',
  },
  check(ctx) {
    const { project } = ctx;
    for (const file of project.files) {
      for (const [service, svc] of Object.entries(servicesOf(file.model))) {
        const raw = isOverride(svc.environment) ? svc.environment.value : svc.environment;
        if (!isObj(raw)) continue;
        for (const [key, value] of Object.entries(raw)) {
          const path = ['services', service, 'environment', key];
          const ref = nodeAt(file.source, path);
          if (!ref || !isScalar(ref.node)) continue;
          const plain = ref.node.type === 'PLAIN';
          let quoted: string | undefined;
          let what = '';
          if (typeof value === 'number' && (Number.isSafeInteger(value) || !Number.isInteger(value))) {
            quoted = goString(value);
            what = `the number ${ref.node.source ?? quoted}`;
          } else if (typeof value === 'boolean') {
            quoted = goString(value);
            what = `the boolean ${String(ref.node.source ?? value)}`;
          } else if (typeof value === 'string' && plain && YAML11_BOOL.test(value)) {
            quoted = value;
            what = `${value}, a boolean for YAML 1.1 readers (podman-compose passes True or False)`;
          }
          if (quoted === undefined) continue;
          // podman-compose (PyYAML, Python's str) agrees with Compose only on plain decimal integers
          const podmanDiffers = ctx.runtime.kind === 'podman-compose' && !/^-?(0|[1-9][0-9]*)$/.test(String(ref.node.source ?? ''));
          // the environments whose merged value of `key` is this file's
          const envs = project.environments.filter((e) => {
            if (!e.files.includes(file) || serviceOf(e.merged, service) === undefined) return false;
            const last = [...e.files].reverse().find((f) => defines(f, service, key));
            return last === file;
          });
          if (!envs.length) continue;
          const environments = envs.map((e) => e.name);
          if (podmanDiffers) {
            ctx.report({
              kind: 'runtime-differs',
              file,
              path,
              service,
              environments,
              message: `${service}: environment.${key} is ${what}: Docker Compose passes "${quoted}", podman-compose (which runs this project) passes it in Python's form (True, 1.0, inf); quote the string the app expects`,
            });
            continue;
          }
          const why = ref.inherited ? 'it is inherited through `<<`: quote it in the anchor' : editBlocker(file, path);
          if (why) {
            ctx.report({ kind: 'not-editable', file, path, service, environments, message: `${service}: environment.${key} is ${what}; quote it ("${quoted}") by hand (${why})` });
            continue;
          }
          const fix = ctx.report({
            file,
            path,
            service,
            environments,
            message: `${service}: environment.${key} is ${what}, not a string: Docker Compose passes "${quoted}", other tools may not; quote it`,
          });
          if (!fix) continue;
          fix.editor(file).replaceScalar(path, quoted);
          fix.note({ file: file.path, service, message: `quoted environment.${key} as "${quoted}"`, reason: 'the value Docker Compose passes, written as a string so every tool passes the same' });
        }
      }
    }
  },
};

export default rule;
