/** Real git repositories in temp dirs for the reference tests. */
import { cpSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Every file under `dir` (relative, `/`-separated, sorted), `.git` left out. */
export function tree(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    if (n === '.git') continue;
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) out.push(...tree(p, base));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out;
}

/** A git repository holding a copy of `from`, everything committed. */
export function gitRepo(from: string): string {
  const work = mkdtempSync(path.join(tmpdir(), 'cm-refs-'));
  cpSync(from, work, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: work, stdio: 'pipe' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'before extract');
  return work;
}

