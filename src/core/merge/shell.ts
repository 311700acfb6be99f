/**
 * A small POSIX shell-word splitter for `command` / `entrypoint` strings (compose splits them
 * at binding): whitespace separates words; single quotes are literal; inside double quotes a
 * backslash escapes only `$`, `` ` ``, `"`, `\` and newline; outside quotes a backslash escapes
 * any character and backslash-newline is removed. No expansion of any kind.
 */
import { modelError, type Path } from './values.js';

export function shellSplit(text: string, path: Path = []): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    if (c === '\\' && text[i + 1] === '\n') {
      i++; // line continuation
      continue;
    }
    inWord = true;
    if (c === '\\') {
      i++;
      if (i >= text.length) word += '\\';
      else word += text[i];
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw modelError(`unterminated single quote in "${text}"`, path);
      word += text.slice(i + 1, end);
      i = end;
      continue;
    }
    if (c === '"') {
      i++;
      for (; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && i + 1 < text.length && '$`"\\\n'.includes(text[i + 1])) {
          i++;
          if (text[i] !== '\n') word += text[i];
        } else word += text[i];
      }
      if (i >= text.length) throw modelError(`unterminated double quote in "${text}"`, path);
      continue;
    }
    word += c;
  }
  if (inWord) words.push(word);
  return words;
}
