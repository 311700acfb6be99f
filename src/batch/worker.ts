/**
 * A batch worker process (forked by pool.ts). It receives the settings once, loads what the
 * command needs and says it is ready, then receives one
 * repository at a time, and answers each with the repository's outcome and its own RSS (the
 * pool replaces a worker that grew). It exits when the parent goes away.
 */
import { runRepository } from './repository.js';
import { warmUp } from './runners.js';
import type { BatchSettings, RepoJob } from './types.js';
import type { ToParent, ToWorker } from './pool.js';

let settings: BatchSettings | undefined;

const send = (m: ToParent) => process.send!(m);

process.on('message', (m: ToWorker) => {
  if (m.type === 'init') {
    settings = m.settings;
    void warmUp(settings.run).then(() => send({ type: 'ready' }));
    return;
  }
  void handle(m.id, m.job);
});

process.on('disconnect', () => process.exit(0));

async function handle(id: number, job: RepoJob): Promise<void> {
  const outcome = await runRepository(job, settings!);
  send({ type: 'result', id, outcome, rss: process.memoryUsage.rss() });
}
