// `npm start`: rebuild the server and the dashboard when missing or older than their sources, then run `shuttle serve`.
import { buildDashboardIfStale, buildServerIfStale } from './build-if-stale.mjs';

buildServerIfStale();
buildDashboardIfStale();

process.argv.splice(2, process.argv.length, 'serve');
await import(new URL('../dist/cli/bin.js', import.meta.url).href);
