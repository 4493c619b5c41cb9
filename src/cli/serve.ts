// `shuttle serve`: migrate, provision on first run, listen, and stop gracefully on SIGTERM/SIGINT.
import { loadConfig } from '../config/config.js';
import { limitHeapGrowth } from '../config/heap-growth.js';
import { createShuttle } from '../shuttle.js';
import { firstRunBanner, provisionOnFirstRun } from './first-run.js';
import { printLines } from './output.js';

export async function serve(): Promise<void> {
  const config = loadConfig();
  const heapGrowthPercent = limitHeapGrowth(config.heapGrowthPercent);
  const shuttle = await createShuttle(config);
  const firstRun = await provisionOnFirstRun(shuttle.runtime);
  const address = await shuttle.listen();
  const url = config.publicUrl ?? address.replace('127.0.0.1', 'localhost');
  if (firstRun) printLines(...firstRunBanner(url, firstRun));
  shuttle.runtime.logger.info({ url, database: config.databaseUrl.split(':')[0], heapGrowthPercent }, 'shuttle is listening');

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      shuttle.runtime.logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    shuttle.runtime.logger.info({ signal }, 'stopping: finishing requests in flight and writing usage');
    shuttle.close().then(
      () => {
        shuttle.runtime.logger.info({ written: shuttle.runtime.usageWriter.stats.written }, 'stopped');
        shuttle.runtime.logger.flush(() => process.exit(0));
      },
      (error: unknown) => {
        shuttle.runtime.logger.error({ err: error }, 'error while stopping');
        shuttle.runtime.logger.flush(() => process.exit(1));
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
