// The README's rules table from rule metadata (shared by scripts/rules-table.mjs and its test).
const FIX = { safe: 'safe', 'behaviour-changing': 'behaviour-changing (only with `--only`)', false: '—' };

/** One row per rule: id (linked to its docs page), severity, fix, description. */
export function rulesTable(metas) {
  const fixable = metas.filter((m) => m.fixable).length;
  const rows = metas.map((m) => `| [\`${m.id}\`](${m.docs}) | ${m.severity} | ${FIX[String(m.fixable)]}${m.network ? ', network' : ''} | ${m.description.replace(/\|/g, '\\|')} |`);
  return [
    `${metas.length} rules, ${fixable} with a fix (\`composemod list\` prints the same with every option and finding kind).`,
    '',
    '| rule | severity | fix | what it checks |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** README text with the table between the markers replaced. */
export function spliceRulesTable(readme, table) {
  const start = '<!-- rules:start -->';
  const end = '<!-- rules:end -->';
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${start} ... ${end} section`);
  return `${readme.slice(0, i + start.length)}\n${table}\n${readme.slice(j)}`;
}
