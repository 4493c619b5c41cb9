// Remembers when each key was last used and writes it in the background, so authentication never writes.
export interface LastUsedStore {
  touchLastUsed(tenantId: string, keyId: string, at: number): Promise<void>;
}

export class LastUsedTracker {
  private pending = new Map<string, { tenantId: string; at: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: LastUsedStore,
    private readonly intervalMs = 10_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), this.intervalMs);
    this.timer.unref();
  }

  record(tenantId: string, keyId: string, at: number): void {
    this.pending.set(keyId, { tenantId, at });
  }

  /** A use recorded here but not yet written, so lists can show it before the next flush. */
  pendingFor(keyId: string): number | undefined {
    return this.pending.get(keyId)?.at;
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    for (const [keyId, { tenantId, at }] of batch) await this.store.touchLastUsed(tenantId, keyId, at);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}
