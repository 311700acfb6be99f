/**
 * What each container gets (intent/view.ts) and the interpolation it rests on: Compose's
 * operators, unknown variables kept as symbols, env_file under `environment`, secrets with the
 * bytes they deliver, and the problems Compose would refuse. Differentially, the interpolation
 * of a set of values is compared with the real `docker compose config` where it is installed.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { interpolate, referencedVariables, UNKNOWN } from '../../src/rules/util/interpolation.js';
import { evaluateEnvironment } from '../../src/rules/intent/view.js';
import { parseSource } from '../../src/core/source.js';
import { toComposeModel } from '../../src/core/project.js';
import { composeConfig, dockerCompose, referenceSkipMessage } from '../helpers/reference.js';

const vars: Record<string, string> = { SET: 'v', EMPTY: '' };
const lookup = (n: string) => vars[n];

describe('interpolate', () => {
  it('follows Compose for set, empty and unset variables', () => {
    expect(interpolate('a${SET}b$SET', lookup)).toBe('avbv');
    expect(interpolate('${EMPTY:-d}|${EMPTY-d}|${SET:-d}', lookup)).toBe('d||v');
    expect(interpolate('${SET:+r}|${EMPTY:+r}|${EMPTY+r}', lookup)).toBe('r||r');
    expect(interpolate('$$SET and $$${SET}', lookup)).toBe('$SET and $v');
    expect(interpolate('${EMPTY:-${SET}}', lookup)).toBe('v');
    expect(interpolate('cost: 5$', lookup)).toBe('cost: 5$');
  });

  it('keeps a variable it cannot see as a symbol, so only the same dependency compares equal', () => {
    expect(interpolate('${NOPE}', lookup)).toBe(`${UNKNOWN}NOPE${UNKNOWN}`);
    expect(interpolate('$NOPE', lookup)).toBe(interpolate('${NOPE}', lookup));
    expect(interpolate('${NOPE:-d}', lookup)).not.toBe(interpolate('${NOPE}', lookup));
    expect(interpolate('${NOPE:-${SET}}', lookup)).toBe(`${UNKNOWN}NOPE:-v${UNKNOWN}`);
    expect(referencedVariables('x${A:-${B}}$C$$D')).toEqual(['A', 'B', 'C']);
  });

  it.skipIf(!dockerCompose)('agrees with docker compose config on set and empty variables', async () => {
    if (!dockerCompose) return console.log(referenceSkipMessage);
    const values = ['a${SET}b$SET', '${EMPTY:-d}', '${EMPTY-d}', '${SET:+r}', '${EMPTY:+r}', '${EMPTY+r}', '$$SET', '${EMPTY:-${SET}}'];
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-interp-'));
    writeFileSync(path.join(dir, '.env'), 'SET=v\nEMPTY=\n');
    const env = values.map((v, i) => `      V${i}: '${v}'`).join('\n');
    writeFileSync(path.join(dir, 'compose.yaml'), `services:\n  s:\n    image: x\n    environment:\n${env}\n`);
    const r = await composeConfig({ cwd: dir, files: ['compose.yaml'], format: 'json', projectName: 'i' });
    expect(r.code).toBe(0);
    const got = (JSON.parse(r.stdout) as { services: { s: { environment: Record<string, string> } } }).services.s.environment;
    values.forEach((v, i) => expect(got[`V${i}`].replace(/\$\$/g, '$'), v).toBe(interpolate(v, lookup)));
  });
});

describe('evaluateEnvironment', () => {
  it('env_file under environment, interpolated from .env; secrets with their bytes; problems Compose refuses', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-view-'));
    writeFileSync(path.join(dir, '.env'), 'TAG=16\nTOKEN=t0k\n');
    writeFileSync(path.join(dir, 'app.env'), 'A=from-file\nB=from-file\n');
    writeFileSync(path.join(dir, 'pw.txt'), 'hunter2');
    const text = [
      'services:',
      '  app:',
      '    image: postgres:${TAG}',
      '    env_file: app.env',
      '    environment:',
      '      B: from-compose',
      '      C: ${MISSING}',
      '      D: 0123',
      '    secrets: [pw, token]',
      '    networks: [front]',
      '    volumes:',
      '      - data:/var/lib/postgresql/data',
      'secrets:',
      '  pw:',
      '    file: ./pw.txt',
      '  token:',
      '    environment: TOKEN',
      '',
    ].join('\n');
    const file = path.join(dir, 'compose.yaml');
    const model = toComposeModel(parseSource(text, file));
    const view = evaluateEnvironment({ name: 'prod', files: [{ path: file, model }] }, (p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return null;
      }
    });
    const app = view.services.get('app')!;
    expect(app.image).toBe('postgres:16');
    expect(Object.fromEntries(app.environment)).toEqual({ A: 'from-file', B: 'from-compose', C: `${UNKNOWN}MISSING${UNKNOWN}`, D: '83' });
    expect([...app.secrets.values()].map((s) => [s.target, s.source.content])).toEqual([
      ['/run/secrets/pw', 'hunter2'],
      ['/run/secrets/token', 't0k'],
    ]);
    expect(view.problems.sort()).toEqual(['app: refers to undefined network front', 'app: refers to undefined volume data']);
  });
});
