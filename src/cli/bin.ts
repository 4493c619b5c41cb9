// Entry point of the `shuttle` executable.
import { runCli } from './main.js';

runCli(process.argv).catch((error: unknown) => {
  process.stderr.write(`shuttle: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
