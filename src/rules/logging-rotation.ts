/**
 * logging-rotation: in a deployed environment (lib/environments.ts), a service that logs with
 * the json-file driver (named, or Docker's default when no driver is set) without `max-size`
 * keeps every line it ever printed in one file under /var/lib/docker/containers, until the
 * disk is full. The fix adds `max-size` and `max-file` (options `logMaxSize`, `logMaxFile`), and
 * `driver: json-file` when no driver is set, in a file only the deployed environments load,
 * so local environments keep their logs as they are. Other drivers (local rotates by default,
 * journald, syslog, fluentd... hand logs elsewhere) are left alone; `driver: none` is
 * reported as a kind (no logs at all).
 */
import type { Rule, RuleContext } from './types.js';
import type { Environment } from './project.js';
import { isObj, type Obj } from '../core/plain.js';
import { attributeSet } from './intent/deltas.js';
import { serviceOf, serviceOrder, servicesOf } from './lib/services.js';
import { addToService, definitionOf, exists } from './place.js';
import { activeProfiles, deployedEditKinds, deployedEnvironmentsOption, deployedFiles, rolesOf, startsWith } from './lib/environments.js';

const logging = (svc: Obj | undefined): Obj => (svc && isObj(svc.logging) ? svc.logging : {});
const optionsOf = (l: Obj): Obj => (isObj(l.options) ? l.options : {});

const rule: Rule = {
  meta: {
    id: 'logging-rotation',
    description: 'Rotate the json-file logs of services in deployed environments',
    rationale:
      "Docker's default json-file log driver never rotates unless max-size is set: a chatty service fills the host's disk with one log file, and every container on the host fails with it.",
    severity: 'warning',
    fixable: 'safe',
    docs: 'docs/rules/logging-rotation.md',
    kinds: {
      disabled: { severity: 'warning', description: 'logging.driver is none in a deployed environment: nothing is kept to debug a failure' },
      ...deployedEditKinds('the options'),
    },
    options: [
      { name: 'logMaxSize', description: 'max-size the fix writes', type: 'string', placeholder: 'SIZE', default: '10m' },
      { name: 'logMaxFile', description: 'max-file the fix writes (files kept)', type: 'string', placeholder: 'N', default: '3' },
      deployedEnvironmentsOption,
    ],
  },
  check(ctx: RuleContext): void {
    const { project } = ctx;
    const maxSize = typeof ctx.options.logMaxSize === 'string' && ctx.options.logMaxSize ? ctx.options.logMaxSize : '10m';
    const maxFile = typeof ctx.options.logMaxFile === 'string' && ctx.options.logMaxFile ? ctx.options.logMaxFile : '3';
    const roles = rolesOf(ctx);
    const active = activeProfiles(ctx);
    const needs = new Map<string, Set<Environment>>();
    const disabled = new Map<string, Environment[]>();
    for (const env of project.environments) {
      if (roles.get(env) !== 'deployed') continue;
      const services = servicesOf(env.merged);
      for (const name of serviceOrder(env)) {
        const svc = services[name];
        if (!startsWith(svc, active)) continue;
        const l = logging(svc);
        if (l.driver === 'none') disabled.set(name, [...(disabled.get(name) ?? []), env]);
        else if ((l.driver === undefined || l.driver === 'json-file') && optionsOf(l)['max-size'] === undefined) {
          if (!needs.has(name)) needs.set(name, new Set());
          needs.get(name)!.add(env);
        }
      }
    }
    for (const [service, envs] of disabled) {
      const def = definitionOf(envs[0], service, 'logging');
      ctx.report({
        kind: 'disabled',
        service,
        ...(def ? { file: def.file, path: [...def.path, 'driver'] } : {}),
        environments: envs.map((e) => e.name),
        message: `${service} logs nothing in ${envs.map((e) => e.name).join(', ')} (logging driver none): a failure leaves no trace; use json-file with max-size, or a driver that ships logs`,
      });
    }
    for (const [service, want] of needs) {
      const first = [...want][0];
      const def = definitionOf(first, service, 'logging');
      const at = def ? { file: def.file, path: def.path } : {};
      const files = deployedFiles(
        ctx,
        service,
        want,
        { problem: 'logs without rotation', remedy: 'set logging.options.max-size' },
        { ...(def ? { at: def } : {}), deeper: [['services', service, 'logging', 'options'], ['services', service, 'logging']] },
      );
      if (!files) continue;
      const names = [...files.values()].flat().map((e) => e.name);
      const fix = ctx.report({
        service,
        ...at,
        environments: names,
        message: `${service} logs with json-file and no max-size in ${names.join(', ')}: the log file grows until the disk is full`,
      });
      if (!fix) continue;
      for (const [file, reached] of files) {
        const merged = reached.map((e) => logging(serviceOf(e.merged, service)));
        const addDriver = merged.some((l) => l.driver === undefined);
        const addMaxFile = merged.every((l) => optionsOf(l)['max-file'] === undefined);
        const opts: Obj = { 'max-size': maxSize, ...(addMaxFile ? { 'max-file': maxFile } : {}) };
        const own = logging(serviceOf(file.model, service));
        const ed = fix.editor(file);
        const loggingPath = ['services', service, 'logging'];
        if (exists(file, loggingPath)) {
          if (addDriver && own.driver === undefined)
            ed.insertPair(loggingPath, 'driver', 'json-file', exists(file, [...loggingPath, 'options']) ? { before: 'options' } : {});
          if (exists(file, [...loggingPath, 'options'])) for (const [k, v] of Object.entries(opts)) ed.insertPair([...loggingPath, 'options'], k, v);
          else ed.insertPair(loggingPath, 'options', opts);
        } else addToService(ed, file, service, 'logging', { ...(addDriver ? { driver: 'json-file' } : {}), options: opts });
        for (const e of reached) {
          const scope = { env: e.name, service };
          if (addDriver) fix.intend(attributeSet(scope, ['logging', 'driver'], 'json-file'));
          for (const [k, v] of Object.entries(opts)) fix.intend(attributeSet(scope, ['logging', 'options', k], v));
        }
        fix.note({
          file: file.path,
          service,
          message: `logging: ${addDriver ? 'driver json-file, ' : ''}${Object.entries(opts).map(([k, v]) => `${k} ${String(v)}`).join(', ')}`,
          reason: `${reached.map((e) => e.name).join(', ')} ${reached.length > 1 ? 'are' : 'is'} deployed; json-file logs without max-size grow until the disk is full`,
        });
      }
    }
  },
};

export default rule;
