/**
 * container-name-replicas on real cases built from the corpus. The corpus files never scale a
 * service that sets container_name (a run over them changes nothing and proves nothing), so
 * each service of corpus/single that sets container_name becomes a case, in a temp copy:
 *
 * - single file: the service gets `deploy.replicas: 3` (or `scale: 2`, every other service).
 *   The fix removes exactly that container_name (model after = model before minus it), notes it,
 *   and a second run changes nothing. Replicas of 1 or given as a variable change nothing.
 * - two environments sharing the file as base, prod scaling it in compose.prod.yaml:
 *   without a file of its own for the other environment the fix refuses (warning, no change);
 *   with --allow-reset it writes `container_name: !reset null` into the prod override; with a
 *   dev override it moves the name there. The non-scaling environment's merged model stays
 *   identical, the scaling one loses container_name and nothing else.
 *
 * With the reference Docker Compose (2.40.3), which refuses container_name with replicas > 1
 * ("can't set container_name and deploy.replicas as container name must be unique"), a sample
 * of the cases is checked end to end: Compose refuses each before and accepts it after, printing
 * exactly the config of the input with container_name deleted by hand; every non-scaling
 * environment prints byte-identical config before and after.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import containerNameReplicas from '../../src/rules/container-name-replicas.js';
import { runFixes, type FixRun as FixResult, type FixTarget } from '../helpers/run-fixes.js';
import type { Rule as Transform } from '../../src/rules/types.js';
import { writeChanges } from '../../src/core/save.js';
import { parseSource } from '../../src/core/source.js';
import { toModel } from '../../src/core/model.js';
import { Editor } from '../../src/core/edit.js';
import { mergeFiles, normalize } from '../../src/core/merge/index.js';
import { isComposemodError } from '../../src/core/errors.js';
import { corpusSingle, sharedPresent, sharedSkipMessage } from '../helpers/shared.js';
import { composeConfig, dockerCompose, referenceSkipMessage, type ToolResult } from '../helpers/reference.js';

if (!sharedPresent) console.log(sharedSkipMessage);
else if (!dockerCompose) console.log(`container-name-replicas: ${referenceSkipMessage}`);

type Obj = Record<string, unknown>;
const fix = containerNameReplicas;
/** Files whose first container_name case is also run through the reference Compose. */
const COMPOSE_SAMPLE = { single: 16, overrides: 8 };

/**
 * Known defects of the fix, asserted as they are so the test says when they are gone:
 * a container_name written over one that a `<<` merge key also provides cannot be deleted in
 * place (the inherited value would show through), and the fix throws the Editor's error
 * instead of warning and leaving the file alone (exit 2 for the whole run).
 */
const KNOWN_THROWS: Record<string, RegExp> = Object.fromEntries(
  ['celeryworker', 'celerybeat', 'flower'].map((s) => [
    `342-0Ankit0-Django-Template__docker-compose.local.yml ${s}`,
    /a `<<` merge key also provides this key/,
  ]),
);

const model = (text: string, file = 'compose.yaml'): Obj => toModel(parseSource(text, file)) as Obj;
const merged = (texts: string[]): unknown =>
  normalize(mergeFiles(texts.map((t, i) => ({ path: `f${i}.yaml`, model: model(t, `f${i}.yaml`) }))));
const without = (m: Obj, service: string): Obj => {
  const out = structuredClone(m);
  delete ((out.services as Obj)[service] as Obj).container_name;
  return out;
};
const svcOf = (m: unknown, service: string): Obj => ((m as Obj).services as Obj)[service] as Obj;

/** A fix that does nothing: running it makes the runner load, validate and merge the input. */
const loadOnly: Transform = { meta: { ...fix.meta, id: 'load-only', options: [] }, check() {} };

let corpusCases: { name: string; text: string; services: string[] }[] | undefined;
/** Corpus files the fix runner accepts, with the services that set container_name. */
async function cases(): Promise<{ name: string; text: string; services: string[] }[]> {
  if (corpusCases) return corpusCases;
  const out: { name: string; text: string; services: string[] }[] = [];
  for (const name of readdirSync(corpusSingle).sort()) {
    if (!/\.ya?ml$/i.test(name)) continue;
    const text = readFileSync(path.join(corpusSingle, name), 'utf8');
    let m: Obj;
    try {
      m = model(text, name);
    } catch {
      continue;
    }
    const services = Object.entries((m?.services as Obj) ?? {})
      .filter(([, s]) => s && typeof s === 'object' && (s as Obj).container_name !== undefined)
      .map(([n]) => n);
    if (!services.length) continue;
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-cnr-'));
    try {
      writeFileSync(path.join(dir, 'compose.yaml'), text);
      await runFixes({ dir, environments: [{ name: 'default', files: [path.join(dir, 'compose.yaml')] }] }, [loadOnly], {});
      out.push({ name, text, services });
    } catch (e) {
      if (!isComposemodError(e)) throw e; // input the runner rejects (extends.file elsewhere, ...)
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  corpusCases = out;
  return out;
}

/** The input text with the service scaled; undefined when the Editor cannot place it. */
function scaled(text: string, service: string, how: 'replicas' | 'scale', value: unknown = 3): string | undefined {
  const svc = svcOf(model(text), service);
  const ed = new Editor(parseSource(text, 'compose.yaml'));
  try {
    if (how === 'scale') {
      if (svc.scale !== undefined) return undefined;
      ed.insertPair(['services', service], 'scale', value === 3 ? 2 : value);
    } else if (svc.deploy && typeof svc.deploy === 'object') ed.setIn(['services', service, 'deploy', 'replicas'], value);
    else if (svc.deploy === undefined) ed.insertPair(['services', service], 'deploy', { replicas: value });
    else return undefined;
    return ed.apply();
  } catch (e) {
    if (/cannot edit/.test((e as Error).message)) return undefined;
    throw e;
  }
}

/** container_name deleted by hand (the expected output), undefined when it cannot be. */
function handDeleted(text: string, service: string): string | undefined {
  try {
    return new Editor(parseSource(text, 'compose.yaml')).deletePair(['services', service, 'container_name']).apply();
  } catch (e) {
    if (/cannot edit/.test((e as Error).message)) return undefined;
    throw e;
  }
}

async function fixIn(dir: string, envs: FixTarget['environments'], options: Obj = {}): Promise<FixResult> {
  const result = await runFixes({ dir, environments: envs }, [fix], options);
  await writeChanges(result.changes);
  return result;
}

const read = (dir: string, f: string) => readFileSync(path.join(dir, f), 'utf8');
/**
 * `docker compose config --format json`, its warnings without their timestamps and in a stable
 * order. (Interpolated: with --no-interpolate Compose skips the check this fix is about.)
 */
const compose = async (dir: string, files: string[]): Promise<ToolResult> => {
  const r = await composeConfig({ cwd: dir, files, projectName: 'cnr', format: 'json' });
  return { ...r, stderr: r.stderr.replace(/^time="[^"]*" /gm, '').split('\n').sort().join('\n') };
};
// Compose 2.40.3 words it "services.deploy.replicas: can't set container_name and web as ..."
const UNIQUE = /can't set container_name and \S+ as container name must be unique/;

describe.skipIf(!sharedPresent)('corpus: container-name-replicas on scaled corpus services', () => {
  it('single file: removes exactly the scaled service\'s container_name, idempotent; Compose agrees', async () => {
    const tally = { cases: 0, fixed: 0, blocked: 0, knownDefect: 0, notPlaceable: 0, compose: 0, composeCannotLoad: 0 };
    const failures: string[] = [];
    const all = await cases();
    for (const [fileIndex, c] of all.entries()) {
      for (const [i, service] of c.services.entries()) {
        const how = i % 2 ? 'scale' : 'replicas';
        const input = scaled(c.text, service, how);
        if (input === undefined) {
          tally.notPlaceable++;
          continue;
        }
        tally.cases++;
        const label = `${c.name} ${service} (${how})`;
        const dir = mkdtempSync(path.join(tmpdir(), 'cm-cnr-'));
        try {
          // Compose checks files it can load as they are (unset variables can break some)
          let withCompose = !!dockerCompose && fileIndex < COMPOSE_SAMPLE.single && i === 0;
          if (withCompose) {
            writeFileSync(path.join(dir, 'compose.yaml'), c.text);
            withCompose = (await compose(dir, ['compose.yaml'])).code === 0;
            if (!withCompose) tally.composeCannotLoad++;
          }
          writeFileSync(path.join(dir, 'compose.yaml'), input);
          const env = [{ name: 'default', files: [path.join(dir, 'compose.yaml')] }];
          const before = withCompose ? await compose(dir, ['compose.yaml']) : undefined;
          let result: FixResult;
          try {
            result = await fixIn(dir, env);
          } catch (e) {
            if (KNOWN_THROWS[`${c.name} ${service}`]?.test((e as Error).message)) tally.knownDefect++;
            else failures.push(`${label}: threw ${isComposemodError(e) ? e.format() : (e as Error).stack}`);
            continue;
          }
          if (KNOWN_THROWS[`${c.name} ${service}`]) failures.push(`${label}: the known defect is gone: remove it from KNOWN_THROWS`);
          const after = read(dir, 'compose.yaml');
          const warned = result.warnings.filter((w) => w.service === service);
          if (after === input) {
            // only acceptable when the fix says why it could not: the edit is blocked, or other
            // services reach the container by that name (an error finding: a human goes first)
            const why = warned.some((w) => /cannot remove container_name/.test(w.message) || (w.id.endsWith('/name-in-use') && w.severity === 'error'));
            if (!why) failures.push(`${label}: nothing changed, no reason given`);
            else tally.blocked++;
            continue;
          }
          tally.fixed++;
          expect(result.changes.map((ch) => path.basename(ch.path)), label).toEqual(['compose.yaml']);
          expect(model(after), label).toEqual(without(model(input), service));
          expect(result.notes.map((n) => [n.service, n.message]), label).toEqual([
            [service, `removed container_name: ${String(svcOf(model(input), service).container_name)}`],
          ]);
          const again = await runFixes({ dir, environments: env }, [fix], {});
          if (again.changes.length) failures.push(`${label}: a second run changed the file again`);

          if (before) {
            tally.compose++;
            expect(before.code, `${label}: Compose accepted the scaled input`).not.toBe(0);
            expect(before.stderr, label).toMatch(UNIQUE);
            const fixed = await compose(dir, ['compose.yaml']);
            writeFileSync(path.join(dir, 'compose.yaml'), handDeleted(input, service)!);
            const expected = await compose(dir, ['compose.yaml']);
            expect(fixed, label).toEqual(expected);
            expect(fixed.code, `${label}: ${fixed.stderr}`).toBe(0);
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
    console.log(`corpus container-name-replicas, single file: ${JSON.stringify(tally)}`);
    expect(failures).toEqual([]);
    expect(tally.cases).toBeGreaterThan(100);
    expect(tally.fixed).toBeGreaterThan(tally.cases * 0.9);
    if (dockerCompose) expect(tally.compose).toBeGreaterThan(COMPOSE_SAMPLE.single / 2);
  }, 600_000);

  it('replicas: 1 or a variable: nothing changes (a variable is warned about)', async () => {
    let cases_ = 0;
    for (const c of await cases()) {
      const service = c.services[0];
      for (const value of [1, '${WEB_REPLICAS:-3}']) {
        const input = scaled(c.text, service, 'replicas', value);
        if (input === undefined) continue;
        cases_++;
        const dir = mkdtempSync(path.join(tmpdir(), 'cm-cnr-'));
        try {
          writeFileSync(path.join(dir, 'compose.yaml'), input);
          const result = await runFixes({ dir, environments: [{ name: 'default', files: [path.join(dir, 'compose.yaml')] }] }, [fix], {});
          expect(result.changes, `${c.name} ${service} replicas ${value}`).toEqual([]);
          const warned = result.warnings.some((w) => w.service === service && w.message.includes('not treated as more than 1'));
          expect(warned, `${c.name} ${service} replicas ${value}`).toBe(typeof value === 'string');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
    expect(cases_).toBeGreaterThan(100);
  }, 300_000);

  it('base shared by a non-scaling environment: refuses, --allow-reset resets in prod, a dev override gets the name', async () => {
    const tally = { files: 0, refused: 0, reset: 0, moved: 0, compose: 0 };
    const failures: string[] = [];
    for (const [fileIndex, c] of (await cases()).entries()) {
      const service = c.services[0];
      if (handDeleted(c.text, service) === undefined) continue; // a name the fix cannot delete in place
      tally.files++;
      const label = `${c.name} ${service}`;
      const prod = `services:\n  ${JSON.stringify(service)}:\n    deploy:\n      replicas: 3\n`;
      const dev = `services:\n  ${JSON.stringify(service)}:\n    environment:\n      COMPOSEMOD_DEV: "1"\n`;
      const dir = mkdtempSync(path.join(tmpdir(), 'cm-cnr2-'));
      const p = (f: string) => path.join(dir, f);
      let withCompose = !!dockerCompose && fileIndex < COMPOSE_SAMPLE.overrides;
      try {
        if (withCompose) {
          writeFileSync(p('compose.yaml'), c.text);
          withCompose = (await compose(dir, ['compose.yaml'])).code === 0;
        }
        // 1. default = [base], prod = [base, prod]: no file of default's own to keep the name in
        writeFileSync(p('compose.yaml'), c.text);
        writeFileSync(p('compose.prod.yaml'), prod);
        const shared = [
          { name: 'default', files: [p('compose.yaml')] },
          { name: 'prod', files: [p('compose.yaml'), p('compose.prod.yaml')] },
        ];
        const refused = await fixIn(dir, shared);
        if (refused.changes.length || !refused.warnings.some((w) => w.service === service && /--allow-reset/.test(w.message)))
          failures.push(`${label}: without a default override: expected a refusal that names --allow-reset`);
        else tally.refused++;

        // 2. the same with --allow-reset: `container_name: !reset null` in compose.prod.yaml
        const composeBefore = withCompose
          ? { base: await compose(dir, ['compose.yaml']), prod: await compose(dir, ['compose.yaml', 'compose.prod.yaml']) }
          : undefined;
        const reset = await fixIn(dir, shared, { allowReset: true });
        expect(reset.changes.map((ch) => path.basename(ch.path)), label).toEqual(['compose.prod.yaml']);
        expect(read(dir, 'compose.prod.yaml'), label).toMatch(/container_name: !reset null/);
        expect(merged([read(dir, 'compose.yaml')]), label).toEqual(merged([c.text]));
        expect(merged([read(dir, 'compose.yaml'), read(dir, 'compose.prod.yaml')]), label).toEqual(
          without(merged([c.text, prod]) as Obj, service),
        );
        tally.reset++;
        if (composeBefore) {
          tally.compose++;
          expect(composeBefore.prod.stderr, label).toMatch(UNIQUE);
          expect(await compose(dir, ['compose.yaml']), label).toEqual(composeBefore.base);
          const prodAfter = await compose(dir, ['compose.yaml', 'compose.prod.yaml']);
          writeFileSync(p('compose.yaml'), handDeleted(c.text, service)!);
          writeFileSync(p('compose.prod.yaml'), prod);
          expect(prodAfter.code, `${label}: ${prodAfter.stderr}`).toBe(0);
          expect(prodAfter, label).toEqual(await compose(dir, ['compose.yaml', 'compose.prod.yaml']));
        }

        // 3. dev = [base, dev override], prod = [base, prod]: the name moves into the dev override
        writeFileSync(p('compose.yaml'), c.text);
        writeFileSync(p('compose.prod.yaml'), prod);
        writeFileSync(p('compose.override.yaml'), dev);
        const envs = [
          { name: 'dev', files: [p('compose.yaml'), p('compose.override.yaml')] },
          { name: 'prod', files: [p('compose.yaml'), p('compose.prod.yaml')] },
        ];
        const devBefore = withCompose ? await compose(dir, ['compose.yaml', 'compose.override.yaml']) : undefined;
        const moved = await fixIn(dir, envs);
        expect(moved.changes.map((ch) => path.basename(ch.path)).sort(), label).toEqual(['compose.override.yaml', 'compose.yaml']);
        expect(model(read(dir, 'compose.yaml')), label).toEqual(without(model(c.text), service));
        expect(merged([read(dir, 'compose.yaml'), read(dir, 'compose.override.yaml')]), label).toEqual(merged([c.text, dev]));
        expect(merged([read(dir, 'compose.yaml'), read(dir, 'compose.prod.yaml')]), label).toEqual(
          without(merged([c.text, prod]) as Obj, service),
        );
        expect((await runFixes({ dir, environments: envs }, [fix], {})).changes, `${label}: second run`).toEqual([]);
        tally.moved++;
        if (devBefore) expect(await compose(dir, ['compose.yaml', 'compose.override.yaml']), label).toEqual(devBefore);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    console.log(`corpus container-name-replicas, base + overrides: ${JSON.stringify(tally)}`);
    expect(failures).toEqual([]);
    expect(tally.files).toBeGreaterThan(50);
    expect(tally.reset).toBe(tally.files);
    expect(tally.moved).toBe(tally.files);
    if (dockerCompose) expect(tally.compose).toBeGreaterThan(COMPOSE_SAMPLE.overrides / 2);
  }, 600_000);
});
