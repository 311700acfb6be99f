/**
 * Line geometry over the original text: line starts and ends by offset, and the line
 * predicates the entry, insertion and deletion computations share.
 */

export const isBlank = (l: string): boolean => /^[ \t\r]*$/.test(l);
export const isComment = (l: string): boolean => /^[ \t]*#/.test(l);
export const indentOf = (l: string): number => /^ */.exec(l)![0].length;
export const isDocMarker = (l: string): boolean => /^(---|\.\.\.)(\s|$)/.test(l);

export class Lines {
  constructor(readonly t: string) {}
  start(o: number): number {
    return o <= 0 ? 0 : this.t.lastIndexOf('\n', o - 1) + 1;
  }
  /** Start of the line after the one containing `o` (text length at the end). */
  next(o: number): number {
    const i = this.t.indexOf('\n', o);
    return i < 0 ? this.t.length : i + 1;
  }
  /** End of the line's content (before `\r\n` / `\n`). */
  contentEnd(o: number): number {
    let i = this.t.indexOf('\n', o);
    if (i < 0) i = this.t.length;
    return i > 0 && this.t[i - 1] === '\r' && i - 1 >= o ? i - 1 : i;
  }
  line(ls: number): string {
    return this.t.slice(ls, this.contentEnd(ls));
  }
  prev(ls: number): number {
    return ls <= 0 ? -1 : this.start(ls - 1);
  }
  /** Is `ls` the end of the text or a line with a document marker? */
  atDocEnd(ls: number): boolean {
    return ls >= this.t.length || isDocMarker(this.line(ls));
  }
  /** Length of the EOL that ends right before `o` (`\r\n`: 2, `\n`: 1, none: 0). */
  eolBefore(o: number): number {
    const t = this.t;
    return t.startsWith('\r\n', o - 2) ? 2 : t[o - 1] === '\n' ? 1 : 0;
  }
}
