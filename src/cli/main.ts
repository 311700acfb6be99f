// The CLI entry (bin/composemod.js imports it; a lone --version is answered there). Keep this
// file's imports light: commands load their modules lazily, so `--help` starts fast.
import { run } from './program.js';

// `composemod ... | head`: when the reader goes away, further output is dropped and the command
// still finishes its work (a fix that is writing files completes) instead of dying on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`composemod: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 70;
  },
);
