import { listRules } from '../../api.js';
import type { RuleOption } from '../../rules/types.js';
import type { Io } from '../output.js';

export function optionFlag(o: RuleOption): string {
  const kebab = o.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return o.type === 'boolean' ? `--${kebab}` : `--${kebab} <${o.placeholder ?? 'value'}>`;
}

/** `composemod list`: every rule, its default severity, whether it has a fix, its options. */
export async function listCommand(io: Io, opts: { json?: boolean }): Promise<number> {
  const rules = await listRules();
  if (opts.json) {
    io.stdout.write(
      JSON.stringify(
        rules.map((m) => ({
          id: m.id,
          description: m.description,
          severity: m.severity,
          fixable: m.fixable,
          network: !!m.network,
          options: m.options.map((o) => ({ ...o, flag: optionFlag(o) })),
          kinds: Object.entries(m.kinds ?? {}).map(([kind, k]) => ({ id: `${m.id}/${kind}`, ...k })),
          docs: m.docs,
        })),
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  const width = Math.max(...rules.map((r) => r.id.length));
  const out: string[] = [];
  for (const m of rules) {
    const fix = m.fixable === 'safe' ? 'fix' : m.fixable === 'behaviour-changing' ? 'fix (changes behaviour; run with --only)' : 'no fix';
    const tags = [m.severity, fix, ...(m.network ? ['network; run with --only'] : [])].join(', ');
    out.push(`${m.id.padEnd(width)}  ${m.description} [${tags}]`);
    for (const o of m.options) out.push(`${''.padEnd(width)}    ${optionFlag(o)}  ${o.description}`);
  }
  out.push(
    '',
    '`composemod check` runs every rule that needs no network; `composemod fix` applies every safe fix.',
    'Select with --only a,b or --skip c; configure levels and options in composemod.config.yaml (docs/RULES.md).',
  );
  io.stdout.write(out.join('\n') + '\n');
  return 0;
}
