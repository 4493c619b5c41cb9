// Vitest global setup of the browser tests: a clean clone has no web/dist, and a changed web/ needs a new build.
import { buildDashboardIfStale } from '../../../scripts/build-if-stale.mjs';

export default function setup(): void {
  buildDashboardIfStale();
}
