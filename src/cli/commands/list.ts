import { transforms } from '../../transforms/index.js';
import type { TransformOption } from '../../transforms/types.js';
import type { Io } from '../output.js';

export function optionFlag(o: TransformOption): string {
  const kebab = o.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return o.type === 'boolean' ? `--${kebab}` : `--${kebab} <${o.placeholder ?? 'value'}>`;
}

/** `composemod list`: every fix, one line each, its options, and whether it needs the network. */
export function listCommand(io: Io, opts: { json?: boolean }): number {
  if (opts.json) {
    io.stdout.write(
      JSON.stringify(
        transforms.map((t) => ({ ...t.meta, default: !t.meta.network })),
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  const width = Math.max(...transforms.map((t) => t.meta.name.length));
  const out: string[] = [];
  for (const t of transforms) {
    const tag = t.meta.network ? ' [network; run with --only]' : '';
    out.push(`${t.meta.name.padEnd(width)}  ${t.meta.description}${tag}`);
    for (const o of t.meta.options) out.push(`${''.padEnd(width)}    ${optionFlag(o)}  ${o.description}`);
  }
  out.push('', 'Default: every fix that needs no network. Select with --only a,b or --skip c.');
  io.stdout.write(out.join('\n') + '\n');
  return 0;
}
