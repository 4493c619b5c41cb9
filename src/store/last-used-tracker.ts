// Remembers when each key was last used and writes it in the background, so authentication never writes.
export interface LastUse {
  tenantId: string;
  id: string;
  at: number;
}

export interface LastUsedStore {
  /** Writes a batch of uses in one transaction: one commit, however many keys or customers were used. */
  touchLastUsed(uses: readonly LastUse[]): Promise<void>;
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
    await this.store.touchLastUsed(Array.from(batch, ([id, { tenantId, at }]) => ({ tenantId, id, at })));
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}
