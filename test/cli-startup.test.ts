/**
 * The start-up path: the bin's own `--version`, help text that commander wraps (no hard line
 * breaks in descriptions), and output into a pipe that closes early.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { buildProgram } from '../src/cli/program.js';
import { captureIo, cli } from './helpers/cli.js';
import { projectRoot } from './helpers/shared.js';

const bin = path.join(projectRoot, 'bin', 'composemod.js');
const built = existsSync(path.join(projectRoot, 'dist', 'cli', 'main.js'));
const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string };

describe('help text', () => {
  it('no description has a hard line break: commander wraps to the terminal', async () => {
    const { loadRules } = await import('../src/rules/index.js');
    const program = buildProgram(captureIo().io, () => {}, (await loadRules()).map((t) => t.meta));
    const texts = [program, ...program.commands].flatMap((c) => [
      c.description(),
      ...c.options.map((o) => o.description),
      ...c.registeredArguments.map((a) => a.description),
    ]);
    expect(texts.length).toBeGreaterThan(20);
    expect(texts.filter((t) => t.includes('\n'))).toEqual([]);
  });

  it('every help screen fits 80 columns (commander wraps at 80 when not on a terminal)', async () => {
    for (const args of [['--help'], ['config', '--help'], ['extract', '--help'], ['fix', '--help'], ['check', '--help'], ['list', '--help']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      const long = r.stdout.split('\n').filter((l) => l.length > 80);
      expect(long, args.join(' ')).toEqual([]);
    }
  });
});

describe.skipIf(!built)('composemod binary (spawned)', () => {
  it('--version and -V are answered by the bin, the same as the CLI answers', async () => {
    for (const flag of ['--version', '-V']) {
      const r = spawnSync(process.execPath, [bin, flag], { encoding: 'utf8' });
      expect(r).toMatchObject({ status: 0, stdout: `${pkg.version}\n`, stderr: '' });
    }
    expect((await cli(['--version'])).stdout).toBe(`${pkg.version}\n`);
  });

  it('a pipe closed early ends the output, not the process with EPIPE', async () => {
    const child = spawn(process.execPath, [bin, 'fix', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader (e.g. `| head -0`) is gone before the first write
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
