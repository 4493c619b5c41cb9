// The headline numbers of a usage report: requests, spend, tokens, error rate and cache hits.
import type { UsageMetrics } from '../api/types';
import { StatCard } from '../components/stat-card';
import { formatCompact, formatInteger, formatMs, formatPercent, formatUsd } from '../format/format';
import { CacheStat } from './cache-stat';

export function UsageStats({ totals, loading }: { totals: UsageMetrics | undefined; loading: boolean }) {
  const requests = totals?.requests ?? 0;
  const errorRate = requests === 0 ? 0 : (totals?.errors ?? 0) / requests;
  return (
    <div className="stats">
      <StatCard
        label="Requests"
        loading={loading}
        value={formatInteger(requests)}
        note={totals?.latencyP50Ms != null ? `p50 ${formatMs(totals.latencyP50Ms)} · p95 ${formatMs(totals.latencyP95Ms)}` : null}
      />
      <StatCard label="Spend" loading={loading} value={formatUsd(totals?.costUsd ?? 0)} note="USD, at the price table" />
      <StatCard
        label="Tokens"
        loading={loading}
        value={formatCompact(totals?.totalTokens ?? 0)}
        note={totals ? `${formatCompact(totals.promptTokens)} in · ${formatCompact(totals.completionTokens)} out` : null}
      />
      <StatCard
        label="Error rate"
        loading={loading}
        value={formatPercent(errorRate)}
        note={totals ? `${formatInteger(totals.errors)} failed` : null}
      />
      <CacheStat totals={totals} loading={loading} />
    </div>
  );
}
