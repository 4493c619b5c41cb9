#!/usr/bin/env node
// Runs the compiled CLI; `npm install` builds it (the prepare script), `npm start` rebuilds it when stale.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('shuttle: the build is missing; run `npm run build` (or `npm install`) first.\n');
  process.exit(1);
}
await import(entry.href);
