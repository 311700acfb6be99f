/**
 * The shell reader of src/refs: compose invocations and their file options in every written
 * form, and (property) rewriting any option list to any other list re-reads as that list,
 * leaving the rest of the text as it was.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { applyEdits } from '../../src/core/edit.js';
import { scanShell } from '../../src/refs/commands.js';
import { rawSnippet, type FoundRef } from '../../src/refs/types.js';

function scan(text: string, opts: { scriptDir?: string; comment?: boolean } = {}): FoundRef[] {
  return scanShell(rawSnippet('/repo/x.sh', text, 0, text.length, { cwd: { dirs: ['/repo'] }, where: 'test', ...opts }));
}
const lists = (text: string) => scan(text).map((r) => (r.computed ? `computed: ${r.computed}` : r.kind === 'implicit' ? 'implicit' : r.values!.join(' | ')));

describe('compose invocations', () => {
  it('reads every option form and tool', () => {
    expect(lists('docker compose -f a.yml -f b.yml up -d')).toEqual(['a.yml | b.yml']);
    expect(lists('docker-compose --file a.yml --file=b.yml -fc.yml ps')).toEqual(['a.yml | b.yml | c.yml']);
    expect(lists('podman-compose -f "with space.yml" up')).toEqual(['with space.yml']);
    expect(lists('podman compose -f a.yml up')).toEqual(['a.yml']);
    expect(lists("sudo -E env FOO=1 docker --context prod compose -p shop -f 'a.yml' up")).toEqual(['a.yml']);
    expect(lists('$ /usr/local/bin/docker compose -f a.yml up')).toEqual(['a.yml']);
  });

  it('stops at the subcommand: `logs -f` is follow, not a file', () => {
    expect(lists('docker compose -f a.yml logs -f web')).toEqual(['a.yml']);
    expect(lists('docker compose logs -f web')).toEqual(['implicit']);
  });

  it('splits chains, pipes, subshells and continuation lines', () => {
    expect(lists('make x && docker compose -f a.yml up; docker compose -f b.yml ps | cat\n(docker-compose \\\n  -f c.yml \\\n  up)')).toEqual(['a.yml', 'b.yml', 'c.yml']);
  });

  it('reports computed file names and options instead of guessing', () => {
    expect(lists('docker compose -f "$FILE" up')[0]).toMatch(/^computed: the file name is computed/);
    expect(lists('docker compose -f compose.${ENV}.yml up')[0]).toMatch(/^computed/);
    expect(lists('docker compose -f $(ls *.yml) up')[0]).toMatch(/^computed/);
    expect(lists('docker compose $(COMPOSE_ARGS) up')[0]).toMatch(/^computed: the options are computed/);
    expect(lists('cat x | docker compose -f - config')[0]).toMatch(/standard input/);
  });

  it('reads COMPOSE_FILE assignments (prefix, export) and skips plain commands they govern', () => {
    const refs = scan('export COMPOSE_FILE=a.yml:b.yml\ndocker compose up\nCOMPOSE_PATH_SEPARATOR=";" COMPOSE_FILE="c.yml;d.yml" docker compose ps');
    expect(refs.map((r) => [r.kind, r.values])).toEqual([
      ['COMPOSE_FILE', ['a.yml', 'b.yml']],
      ['COMPOSE_FILE', ['c.yml', 'd.yml']],
    ]);
  });

  it('tracks cd along a chain, into the script directory, and back out of a subshell', () => {
    const refs = scan('cd "$(dirname "$0")/.." && docker compose -f a.yml up\n(cd deploy && docker compose -f b.yml up)\ndocker compose -f c.yml up\ncd "$DIR"\ndocker compose -f d.yml up', { scriptDir: '/repo/scripts' });
    expect(refs.map((r) => r.cwd)).toEqual([{ dirs: ['/repo'] }, { dirs: ['/repo/deploy'] }, { dirs: ['/repo'] }, { dirs: [], unknown: 'cd "$DIR"' }]);
  });

  it('finds a command after prose in comments', () => {
    const refs = scan('# Deploy with: docker compose -f prod.yml up -d');
    expect(refs.map((r) => [r.comment, r.values])).toEqual([[true, ['prod.yml']]]);
  });
});

describe('rewriting option lists', () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9._-]{0,8}\.ya?ml$/);
  const spaced = fc.oneof(name, name.map((n) => `my ${n}`));
  const form = fc.constantFrom('-f X', '--file X', '--file=X', '-fX', "-f 'X'", '-f "X"');
  const prefix = fc.constantFrom('', 'set -e\n', 'cd app && ', 'echo "docker compose" ; ');
  const tool = fc.constantFrom('docker compose', 'docker-compose', 'podman-compose', 'sudo docker compose');
  const sep = fc.constantFrom(' ', ' \\\n  ');
  const quote = (n: string, f: string) => (n.includes(' ') && !/['"]/.test(f) ? f.replace('X', `'${n}'`) : f.replace('X', n));

  it('re-reads as the new list, and the text around the options is unchanged', () => {
    fc.assert(
      fc.property(prefix, tool, fc.array(fc.tuple(spaced, form), { minLength: 0, maxLength: 4 }), sep, fc.array(spaced, { minLength: 1, maxLength: 4 }), (pre, t, opts, s, next) => {
        const cmd = `${t}${opts.map(([n, f]) => s + quote(n, f)).join('')} up -d --build`;
        const text = `${pre}${cmd}\necho done\n`;
        const refs = scan(text).filter((r) => r.kind !== 'COMPOSE_FILE');
        expect(refs).toHaveLength(1);
        expect(refs[0].values).toEqual(opts.length ? opts.map(([n]) => n) : []);
        const edits = refs[0].rewrite!(next);
        expect(typeof edits).not.toBe('string');
        const out = applyEdits(text, edits as never);
        const again = scan(out).filter((r) => r.kind !== 'COMPOSE_FILE');
        expect(again.map((r) => r.values)).toEqual([next]);
        expect(out.startsWith(pre + t)).toBe(true);
        expect(out.endsWith(' up -d --build\necho done\n')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the layout of continuation lines', () => {
    const text = 'docker compose \\\n  -f docker-compose.yml \\\n  -f compose.production.yaml \\\n  up -d\n';
    const [ref] = scan(text);
    expect(applyEdits(text, ref.rewrite!(['base.yml', 'compose.production.yaml', 'extra.yml']) as never)).toBe(
      'docker compose \\\n  -f base.yml \\\n  -f compose.production.yaml \\\n  -f extra.yml \\\n  up -d\n',
    );
    expect(applyEdits(text, ref.rewrite!(['one.yml']) as never)).toBe('docker compose \\\n  -f one.yml \\\n  up -d\n');
  });
});
