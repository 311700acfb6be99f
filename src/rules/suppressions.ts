/**
 * Inline suppressions, in YAML comments of compose files:
 *   # composemod-disable-next-line <rule-id>[, <rule-id>...] [-- reason]
 *   key: value   # composemod-disable-line <rule-id> [-- reason]
 *   # composemod-disable <rule-id> [-- reason]      (the whole file)
 * An id is a rule (`add-volumes`: all its findings) or one kind of finding
 * (`add-volumes/tmpfs`). "next line" is the next line that is not blank or a comment, so
 * several directives can stand above one line. Honoured by `check` and `fix` alike (a
 * suppressed finding is never fixed); `check` reports a directive that silenced nothing
 * (`unused-suppression`).
 */
import type { ComposeSource } from '../core/source.js';
import type { Finding } from './types.js';

export interface Directive {
  scope: 'line' | 'next-line' | 'file';
  ids: string[];
  reason?: string;
  /** 1-based line of the comment. */
  line: number;
  /** 1-based column of the `#`. */
  column: number;
  /** The line it silences (`line`, `next-line`); 0 for `file`. */
  target: number;
  /** Ids that silenced at least one finding. */
  used: Set<string>;
}

const DIRECTIVE = /(?:^|\s)#\s*composemod-disable(-next-line|-line)?(?=\s|$)(.*)$/;

const cache = new WeakMap<ComposeSource, Directive[]>();

/** The directives of a file (parsed once per source). */
export function directivesOf(src: ComposeSource): Directive[] {
  const hit = cache.get(src);
  if (hit) return hit;
  const lines = src.text.split('\n');
  const out: Directive[] = [];
  const pendingNext: Directive[] = [];
  lines.forEach((raw, i) => {
    const text = raw.replace(/\r$/, '');
    const trimmed = text.trim();
    const m = DIRECTIVE.exec(text);
    if (m && !insideQuotes(text, m.index)) {
      const [idsPart, ...why] = m[2].split(/\s--\s?/);
      const ids = idsPart
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean);
      const reason = why.join(' -- ').trim() || undefined;
      const scope = m[1] === '-next-line' ? 'next-line' : m[1] === '-line' ? 'line' : 'file';
      const d: Directive = { scope, ids, reason, line: i + 1, column: text.indexOf('#', m.index) + 1, target: scope === 'line' ? i + 1 : 0, used: new Set() };
      out.push(d);
      if (scope === 'next-line') pendingNext.push(d);
    }
    // the first line with content after next-line directives is theirs
    if (trimmed && !trimmed.startsWith('#') && pendingNext.length) {
      for (const d of pendingNext.splice(0)) d.target = i + 1;
    }
  });
  cache.set(src, out);
  return out;
}

/** A `#` inside a quoted scalar is not a comment (a rough check: an odd number of quotes before it). */
function insideQuotes(line: string, at: number): boolean {
  const before = line.slice(0, at);
  const count = (q: string) => before.split(q).length - 1;
  return count('"') % 2 === 1 || count("'") % 2 === 1;
}

/** Does the directive name this finding (its rule or its kind)? */
export function names(d: Directive, f: Pick<Finding, 'rule' | 'id'>): string | undefined {
  return d.ids.find((id) => id === f.rule || id === f.id);
}

/** The directive that silences a finding at `line` of this file, if any (marked used). */
export function suppressing(directives: readonly Directive[], f: Pick<Finding, 'rule' | 'id'>, line: number | undefined): Directive | undefined {
  for (const d of directives) {
    if (d.scope !== 'file' && (line === undefined || d.target !== line)) continue;
    const id = names(d, f);
    if (id === undefined) continue;
    d.used.add(id);
    return d;
  }
  return undefined;
}
