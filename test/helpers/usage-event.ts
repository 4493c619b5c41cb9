// A usage event as the gateway records one, for tests of the writers that store them.
import type { UsageEvent } from '../../src/store/repositories/usage-events.js';

export function usageEvent(id: string, overrides: Partial<UsageEvent> = {}): UsageEvent {
  return {
    id,
    tenantId: 'ten_1',
    keyId: null,
    customerId: null,
    environment: null,
    endpoint: 'chat.completions',
    requestedModel: 'mock/echo',
    provider: 'mock',
    servedModel: 'echo',
    promptTokens: 1,
    completionTokens: 1,
    cachedTokens: 0,
    costMicros: 0,
    latencyMs: 1,
    upstreamMs: 1,
    ttftMs: null,
    streamed: false,
    status: 200,
    errorCode: null,
    createdAt: 0,
    cached: false,
    savedMicros: 0,
    ...overrides,
  };
}
