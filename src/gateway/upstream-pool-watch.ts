// Makes a cap on connections to providers visible (SHUTTLE_UPSTREAM_CONNECTIONS): HTTP/1.1 streams hold a connection
// each, so once an origin's pool is full the next request waits in undici's queue for one to finish. Such waiting
// requests are a metric, and a warning at most once a minute — never a silent queue.

import type { Logger } from 'pino';
import type { Agent } from 'undici';

const CHECK_EVERY_MS = 1_000;
const WARN_EVERY_MS = 60_000;

export class UpstreamPoolWatch {
  private timer: NodeJS.Timeout | undefined;
  private warnedAt = 0;

  constructor(
    private readonly agents: readonly Agent[],
    /** The configured cap per origin, for the warning; null: no cap (requests then never wait for a connection). */
    private readonly connectionsPerOrigin: number | null,
    private readonly logger: Logger,
  ) {}

  /** Requests waiting for a connection, by origin. */
  waitingByOrigin(): Map<string, number> {
    const waiting = new Map<string, number>();
    for (const agent of this.agents) {
      for (const [origin, stats] of Object.entries(agent.stats)) {
        // A pool's queue; an origin served by a single connection (a cap of 1) is a client, whose pending requests wait.
        const queued = 'queued' in stats ? stats.queued : stats.pending;
        if (queued > 0) waiting.set(origin, (waiting.get(origin) ?? 0) + queued);
      }
    }
    return waiting;
  }

  waiting(): number {
    let total = 0;
    for (const queued of this.waitingByOrigin().values()) total += queued;
    return total;
  }

  start(): void {
    if (this.connectionsPerOrigin === null || this.timer) return;
    this.timer = setInterval(() => this.check(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    const now = Date.now();
    if (now - this.warnedAt < WARN_EVERY_MS) return;
    const waiting = this.waitingByOrigin();
    if (waiting.size === 0) return;
    this.warnedAt = now;
    this.logger.warn(
      { waiting: Object.fromEntries(waiting), connectionsPerOrigin: this.connectionsPerOrigin },
      'requests wait for a connection to a provider: SHUTTLE_UPSTREAM_CONNECTIONS caps the connections per origin',
    );
  }
}
