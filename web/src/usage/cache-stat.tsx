// The response cache at a glance: requests it answered, their share of all requests, and the money they saved.
import type { UsageMetrics } from '../api/types';
import { StatCard } from '../components/stat-card';
import { formatInteger, formatPercent, formatUsd } from '../format/format';

export function CacheStat({ totals, loading }: { totals: UsageMetrics | undefined; loading: boolean }) {
  const requests = totals?.requests ?? 0;
  const hits = totals?.cacheHits ?? 0;
  return (
    <StatCard
      label="Cache hits"
      loading={loading}
      value={formatInteger(hits)}
      note={totals ? `${formatPercent(requests === 0 ? 0 : hits / requests)} hit rate · ${formatUsd(totals.savedUsd)} saved` : null}
    />
  );
}
