/**
 * Property tests for `extract` on generated projects: 2-4 environment files derived from one
 * base model by per-environment mutations, each rendered in a random style with comments.
 *
 * Checked independently of extract's own verification, from the output TEXTS: every
 * environment's merged config is unchanged, every output validates against the compose-spec
 * schema, every input comment line survives somewhere, and extract on the result finds
 * nothing to do.
 */
import fc from 'fast-check';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ComposemodError } from '../../src/core/errors.js';
import { parseSource } from '../../src/core/source.js';
import { toModel } from '../../src/core/model.js';
import { forSchema } from '../../src/core/project.js';
import { schemaIssues } from '../../src/core/schema.js';
import { configModel, modelsEqual } from '../../src/core/merge/index.js';
import { classifyFiles, declaredFiles, parseComposeName, type ClassifyInput, type Environment } from '../../src/core/discover.js';
import { extract, type ExtractInput, type ExtractResult, type Layout } from '../../src/extract/extract.js';
import { activeProject } from '../helpers/compose-view.js';
import { commentLines, environmentsArb, mutate, render, runs, styleArb, verbose, type Obj, type Style } from './arbitraries.js';

const DIR = '/proj';
/**
 * Every case tries each environment as the base, with and without profiles and layers, then
 * extracts again for idempotence: a few hundred ms each on a shared 2-core machine. Not a
 * speed check (that is `npm run bench`), only room to finish.
 */
const PROPERTY_TIMEOUT = 300_000;
/** Lets the worker's event loop run between cases (long synchronous runs time out vitest's RPC). */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const ENV_NAMES = ['dev', 'prod', 'staging', 'test'];
const fileOf = (env: string): string => path.join(DIR, env === 'dev' ? 'docker-compose.yml' : `docker-compose.${env}.yml`);

const modelOfText = (text: string, file: string): unknown => toModel(parseSource(text, file));

interface Project {
  files: Map<string, string>;
  envs: Environment[];
}

function project(models: Obj[], styles: Style[], tag?: string): Project {
  const files = new Map<string, string>();
  const envs = models.map((m, i) => {
    const name = ENV_NAMES[i];
    const file = fileOf(name);
    files.set(file, render(m, styles[i], tag ?? name));
    return { name, files: [file] };
  });
  return { files, envs };
}

function input(p: Project, opts: { allowReset: boolean; layout?: Layout }): ExtractInput {
  const sources = new Map([...p.files].map(([f, t]) => [f, parseSource(t, f)]));
  return {
    dir: DIR,
    environments: p.envs,
    sources,
    family: 'docker-compose',
    ext: '.yml',
    layout: opts.layout,
    exists: () => false,
    allowReset: opts.allowReset,
  };
}

/** extract never throws anything but a ComposemodError (which counts as a refusal). */
function tryExtract(inp: ExtractInput): ExtractResult | ComposemodError {
  try {
    return extract(inp);
  } catch (e) {
    if (e instanceof ComposemodError) return e;
    throw e;
  }
}

/** The files on disk after the changes. */
function applyChanges(before: Map<string, string>, result: ExtractResult): Map<string, string> {
  const after = new Map(before);
  for (const c of result.changes) {
    if (c.after === null) after.delete(c.path);
    else after.set(c.path, c.after);
  }
  return after;
}

/** The independent checks on an extracted project. */
function checkExtracted(p: Project, result: ExtractResult, allowReset: boolean): void {
  const after = applyChanges(p.files, result);
  // every output parses and validates
  for (const c of result.changes) {
    if (c.after === null) continue;
    const model = modelOfText(c.after, c.path);
    expect(schemaIssues(forSchema(model)), `${c.path}:\n${c.after}`).toEqual([]);
    if (!allowReset) expect(c.after, `${c.path} uses !reset/!override without allowReset`).not.toMatch(/!(reset|override)\b/);
  }
  // every environment's merged config is unchanged
  expect(result.environments.map((e) => e.name)).toEqual(p.envs.map((e) => e.name));
  for (const [i, env] of p.envs.entries()) {
    const report = result.environments[i];
    expect(report.before).toEqual(env.files);
    const beforeModel = configModel(env.files.map((f) => ({ path: f, model: modelOfText(p.files.get(f)!, f) })));
    for (const f of report.after) expect(after.has(f), `${env.name}: ${f} exists after`).toBe(true);
    const afterModel = configModel(report.after.map((f) => ({ path: f, model: modelOfText(after.get(f)!, f) })));
    expect(modelsEqual(activeProject(afterModel), activeProject(beforeModel)), `${env.name}: ${report.after.join(' + ')}`).toBe(true);
  }
  // every comment line survives in some output
  const have = new Set([...after.values()].flatMap(commentLines));
  for (const [f, text] of p.files) for (const c of commentLines(text)) expect(have.has(c), `comment "# ${c}" of ${f} lost`).toBe(true);
  // extract on the result finds nothing to do: every environment starts with the base.
  // Environments left with the same file list (equal to another one) are one environment now.
  const lists = new Map(result.environments.map((e) => [e.after.join('\0'), { name: e.name, files: e.after }]));
  expect(new Set(result.environments.map((e) => e.after[0])).size).toBe(1);
  // directory detection recognises the result as a base+override layout with the same lists
  const named: ClassifyInput[] = [...after].flatMap(([f, text]) => {
    const n = parseComposeName(path.basename(f));
    return n ? [{ ...n, model: modelOfText(text, f), declared: declaredFiles(text, n.name) }] : [];
  });
  const detected = classifyFiles(named);
  const detectedLists = new Set(detected.environments.map((e) => e.files.map((f) => path.join(DIR, f)).join('\0')));
  expect(detected.ambiguous, `detection of the result: ${detected.ambiguous}`).toBeUndefined();
  // (an environment left with the base alone has no file of its own to detect it by)
  const layered = [...lists.keys()].filter((k) => k.includes('\0'));
  if (layered.length) {
    expect(detected.kind).toBe('base+override');
    for (const key of layered) expect(detectedLists.has(key), `detected ${[...detectedLists].join(' | ')}`).toBe(true);
  }
  if (lists.size < 2) return;
  const again = tryExtract(input({ files: after, envs: [...lists.values()] }, { allowReset }));
  expect(again instanceof ComposemodError ? again.message : again.status).toBe('nothing-to-do');
}


interface Tally {
  extracted: number;
  /** Extractions whose overrides use `!reset` / `!override`. */
  markers: number;
  nothing: number;
  refused: Map<string, number>;
}
const tally = (): Tally => ({ extracted: 0, markers: 0, nothing: 0, refused: new Map() });
function count(t: Tally, r: ExtractResult | ComposemodError): void {
  if (r instanceof ComposemodError) t.refused.set(`error: ${r.message}`, (t.refused.get(`error: ${r.message}`) ?? 0) + 1);
  else if (r.status === 'extracted') {
    t.extracted++;
    if (r.usesReset) t.markers++;
  }
  else if (r.status === 'nothing-to-do') {
    t.nothing++;
    if (verbose) {
      const why = `nothing: ${(r.reason ?? '').replace(/\d+/g, 'N').slice(0, 70)}`;
      t.refused.set(why, (t.refused.get(why) ?? 0) + 1);
    }
  }
  else {
    const why = (r.reason ?? '').replace(/\d+/g, 'N').slice(0, 90);
    t.refused.set(why, (t.refused.get(why) ?? 0) + 1);
  }
}

describe('extract properties', () => {
  for (const allowReset of [false, true]) {
    it(`soundness${allowReset ? ' with allowReset' : ''}: outputs re-parsed from text give every environment its config`, async () => {
      const t = tally();
      const arb = environmentsArb().chain(({ base, mutations }) =>
        fc.record({
          base: fc.constant(base),
          mutations: fc.constant(mutations),
          styles: fc.array(styleArb, { minLength: mutations.length, maxLength: mutations.length }),
          layout: fc.constantFrom<Layout | undefined>(undefined, 'per-env', 'override'),
        }),
      );
      await fc.assert(
        fc.asyncProperty(arb, async ({ base, mutations, styles, layout }) => {
          await tick();
          const models = mutations.map((ms) => mutate(base, ms));
          // which services merge `<<: *common` is the project's choice (it changes the model), the rest of the style is per file
          const p = project(models, styles.map((s) => ({ ...s, merge: styles[0].merge })));
          const result = tryExtract(input(p, { allowReset, layout }));
          count(t, result);
          // The generated projects are valid and every environment is one file of its own, so
          // extract has no reason to refuse: it extracts or finds nothing to do. (The property
          // allows a refusal with a reason, but a refusal here was a bug every time: an anchor
          // that a kept `<<: *common` needs, "cannot build the files".)
          if (result instanceof ComposemodError) throw result;
          expect(result.status === 'refused' ? result.reason : '').toBe('');
          if (result.status === 'nothing-to-do') {
            expect(result.reason).toBeTruthy();
            return;
          }
          checkExtracted(p, result, allowReset);
        }),
        runs(70),
      );
      if (verbose) console.log(allowReset, { ...t, refused: [...t.refused] });
      // the generator must mostly produce extractable projects, or the property says little
      const total = t.extracted + t.nothing + [...t.refused].filter(([k]) => !k.startsWith('nothing: ')).reduce((a, [, b]) => a + b, 0);
      expect(t.extracted, JSON.stringify({ ...t, refused: [...t.refused] })).toBeGreaterThan(total / 2);
      // and with allowReset, some plans that use !reset / !override
      if (allowReset) expect(t.markers).toBeGreaterThan(0);
    }, PROPERTY_TIMEOUT);
  }

  /*
   * Decided: when every environment has the same config, the base is the default file, kept
   * as it is, and no override is written: an empty one (`services: {}`) would only add lines.
   * The other copies are deleted and every environment becomes the base alone (`docker
   * compose`), which the report says per environment. Not "nothing to do": the copies are
   * exactly the duplication extract exists to remove.
   */
  it('identical environments: the base is the default file, no override is written, the copies go', async () => {
    await fc.assert(
      fc.asyncProperty(
        environmentsArb(),
        fc.array(styleArb, { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom<Layout | undefined>(undefined, 'per-env', 'override'),
        async ({ base, mutations }, styles, sameText, allowReset, layout) => {
          await tick();
          const models = mutations.map(() => base);
          // byte-identical copies, or the same config written in each file's own style and comments
          const p = sameText
            ? project(models, models.map(() => styles[0]), 'copy')
            : project(models, styles.slice(0, models.length).map((s) => ({ ...s, merge: styles[0].merge })));
          const result = tryExtract(input(p, { allowReset, layout }));
          if (result instanceof ComposemodError) throw result;
          expect(result.status, result.reason).toBe('extracted');
          const written = result.changes.filter((c) => c.after !== null);
          expect(written.map((c) => c.path)).toEqual([fileOf('dev')]);
          // byte-identical copies: the base is the dev file unchanged (other styles may bring comments)
          if (sameText) expect(written[0].after).toBe(written[0].before);
          expect(result.changes.filter((c) => c.after === null).map((c) => c.path)).toEqual(p.envs.slice(1).map((e) => e.files[0]));
          for (const e of result.environments) expect(e.after).toEqual([fileOf('dev')]);
          expect(result.usesReset).toBe(false);
          checkExtracted(p, result, allowReset);
        },
      ),
      runs(30),
    );
  }, PROPERTY_TIMEOUT);
});
