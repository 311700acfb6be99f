#!/usr/bin/env node
// The `composemod` binary. `composemod --version` is answered here, before commander or any
// command module loads (start-up budget: 30 ms over bare node, see `npm run bench`); everything
// else goes to the CLI, which loads each command's modules lazily.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  await import('../dist/cli/main.js');
}
