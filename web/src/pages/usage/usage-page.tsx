// Usage: filter by range, customer, key, model, provider and status; group; see a chart and a table; export CSV.
import { useCallback, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useKeys } from '../../api/keys';
import type { GroupBy, UsageRow } from '../../api/types';
import { downloadUsageCsv, type UsageFilter, useUsage } from '../../api/usage';
import { useRetained } from '../../api/use-retained';
import { ErrorMessage } from '../../components/error-message';
import { PageError } from '../../components/page-error';
import { PageHeader } from '../../components/page-header';
import { Skeleton } from '../../components/skeleton';
import { modelLabel, providerLabel } from '../../format/labels';
import { BreakdownChart, UsageChart } from '../../usage/lazy-charts';
import { seriesOf } from '../../usage/time-range';
import { UsageStats } from '../../usage/usage-stats';
import { FILTER_NAMES, groupLabel, UsageFilterChips, UsageFilters } from './usage-filters';
import { usageRangeOf } from './usage-range';
import { UsageTable } from './usage-table';

const GROUPS: GroupBy[] = ['day', 'hour', 'customer', 'model', 'key', 'provider'];

function breakdownLabel(row: UsageRow, groupBy: GroupBy, keyNames: Map<string, string>): string {
  switch (groupBy) {
    case 'key':
      return row.keyName ?? keyNames.get(row.keyId ?? '') ?? row.keyId ?? 'Session (dashboard)';
    case 'model':
      return modelLabel(row.model);
    case 'provider':
      return providerLabel(row.provider);
    case 'customer':
      return row.customer || 'No customer';
    default:
      return '—';
  }
}

export function UsagePage() {
  const [params, setParams] = useSearchParams();
  const { choice, range } = usageRangeOf(params);
  const groupParam = params.get('groupBy') as GroupBy | null;
  // Hours are for short ranges: the API allows them up to 31 days, and they read raw events.
  const groupBy: GroupBy = groupParam && GROUPS.includes(groupParam) ? groupParam : range.groupBy;
  const filter: UsageFilter = {
    from: range.from,
    to: range.to,
    groupBy,
    ...Object.fromEntries(
      FILTER_NAMES.flatMap((name) => {
        const value = params.get(name)?.trim();
        return value ? [[name, value]] : [];
      }),
    ),
  };
  // The Overview's question (anything in 30 days?): a new tenant is told there is no traffic yet, not that its
  // filters match nothing.
  const lifetime = useUsage({ groupBy: 'none' });
  const noTrafficYet = lifetime.data?.totals.requests === 0;
  const usage = useUsage(filter);
  const report = useRetained(usage.data);
  const keys = useKeys();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);

  // From the address bar, not this render's params: two fields' debounced changes can land before React renders
  // between them, and the second must not undo the first.
  const update = useCallback(
    (changes: Record<string, string>) => {
      const next = new URLSearchParams(window.location.search);
      for (const [name, value] of Object.entries(changes)) {
        if (value === '') next.delete(name);
        else next.set(name, value);
      }
      setParams(next, { replace: true });
    },
    [setParams],
  );
  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      await downloadUsageCsv(filter);
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  };
  // What the report on screen was grouped by: while a new one loads, or can't, the last one stays.
  const shownGroupBy = (report?.groupBy ?? groupBy) as GroupBy;
  const timeGrouped = shownGroupBy === 'day' || shownGroupBy === 'hour';
  const rows = report?.data ?? [];
  const keyNames = new Map(keys.data?.data.map((key) => [key.id, key.name]) ?? []);

  if (usage.error && !report) {
    return (
      <>
        <PageHeader title="Usage" />
        <PageError error={usage.error} onReload={() => void usage.refetch()} />
      </>
    );
  }
  return (
    <>
      <PageHeader
        title="Usage"
        description="Every request, grouped the way you need it. The same filters work on GET /api/v1/usage."
        actions={
          <button type="button" className="button" onClick={exportCsv} disabled={exporting} aria-busy={exporting}>
            Export CSV
          </button>
        }
      />
      <ErrorMessage error={exportError} />
      <UsageFilters params={params} choice={choice} range={range} groupBy={groupBy} keys={keys.data?.data ?? []} onChange={update} />
      <UsageFilterChips params={params} keyNames={keyNames} onChange={update} />
      <ErrorMessage error={usage.error} />
      <UsageStats totals={report?.totals} loading={!report} />
      <section className="card" aria-labelledby="usage-chart-title">
        <h2 id="usage-chart-title">{timeGrouped ? 'Requests and spend' : `Spend by ${groupLabel(shownGroupBy).toLowerCase()}`}</h2>
        {!report ? (
          <Skeleton height="280px" />
        ) : timeGrouped ? (
          <UsageChart points={seriesOf(report)} label="Requests and spend over time" />
        ) : rows.length === 0 ? (
          <p className="chart-empty muted">{noTrafficYet ? 'No traffic yet.' : 'No requests match these filters.'}</p>
        ) : (
          <BreakdownChart
            label={`Spend by ${groupLabel(shownGroupBy).toLowerCase()}`}
            points={rows.slice(0, 12).map((row) => ({
              label: breakdownLabel(row, shownGroupBy, keyNames),
              costUsd: row.costUsd,
            }))}
          />
        )}
      </section>
      <section className="card" aria-labelledby="usage-table-title">
        <h2 id="usage-table-title">Breakdown</h2>
        {report ? (
          <UsageTable report={report} keyNames={keyNames} filter={filter} noTrafficYet={noTrafficYet} />
        ) : (
          <Skeleton height="12rem" />
        )}
      </section>
    </>
  );
}
