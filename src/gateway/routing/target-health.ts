// What this instance has seen of each target: consecutive failures (a target that keeps failing is cooled down —
// taken out of rotation — and probed again when the cooldown ends) and a moving average of its latency.
export interface TargetState {
  consecutiveFailures: number;
  coolingUntil: number;
  /** Exponentially weighted moving average of successful call latency, in ms; null until one succeeds. */
  latencyMs: number | null;
}

const ALPHA = 0.3;

export class TargetHealth {
  private readonly states = new Map<string, TargetState>();

  state(key: string): TargetState {
    let state = this.states.get(key);
    if (!state) {
      state = { consecutiveFailures: 0, coolingUntil: 0, latencyMs: null };
      this.states.set(key, state);
    }
    return state;
  }

  isCooling(key: string, now = Date.now()): boolean {
    return (this.states.get(key)?.coolingUntil ?? 0) > now;
  }

  latency(key: string): number | null {
    return this.states.get(key)?.latencyMs ?? null;
  }

  succeeded(key: string, latencyMs: number): void {
    const state = this.state(key);
    state.consecutiveFailures = 0;
    state.coolingUntil = 0;
    state.latencyMs = state.latencyMs === null ? latencyMs : ALPHA * latencyMs + (1 - ALPHA) * state.latencyMs;
  }

  /** Records a failure; returns true when it put the target into cooldown. */
  failed(key: string, cooldown: { afterFailures: number; seconds: number }, now = Date.now()): boolean {
    const state = this.state(key);
    state.consecutiveFailures++;
    // A target probed after its cooldown goes straight back on its first failure.
    if (state.consecutiveFailures >= cooldown.afterFailures) {
      state.coolingUntil = now + cooldown.seconds * 1000;
      return true;
    }
    return false;
  }
}
