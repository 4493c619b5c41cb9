// Usage: filter by range, customer, key, model, provider and status; group; see a chart and a table; export CSV.
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useKeys } from '../../api/keys';
import type { GroupBy } from '../../api/types';
import { downloadUsageCsv, type UsageFilter, useUsage } from '../../api/usage';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { Skeleton } from '../../components/skeleton';
import { BreakdownChart, UsageChart } from '../../usage/lazy-charts';
import { fillSeries, isRangeName, timeRange } from '../../usage/time-range';
import { UsageStats } from '../../usage/usage-stats';
import { groupLabel, UsageFilters } from './usage-filters';
import { UsageTable } from './usage-table';

const GROUPS: GroupBy[] = ['day', 'hour', 'customer', 'model', 'key', 'provider'];

export function UsagePage() {
  const [params, setParams] = useSearchParams();
  const rangeParam = params.get('range');
  const rangeName = isRangeName(rangeParam) ? rangeParam : '7d';
  const range = timeRange(rangeName);
  const groupParam = params.get('groupBy') as GroupBy | null;
  // Hours are for short ranges: the API allows them up to 31 days, and they read raw events.
  const groupBy: GroupBy = groupParam && GROUPS.includes(groupParam) ? groupParam : range.groupBy;
  const filter: UsageFilter = {
    from: range.from,
    to: range.to,
    groupBy,
    ...Object.fromEntries(
      (['customer', 'key', 'model', 'provider', 'status'] as const).flatMap((name) => {
        const value = params.get(name);
        return value ? [[name, value]] : [];
      }),
    ),
  };
  const usage = useUsage(filter);
  const keys = useKeys();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(name);
    else next.set(name, value);
    setParams(next, { replace: true });
  };
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
  const timeGrouped = groupBy === 'day' || groupBy === 'hour';
  const rows = usage.data?.data ?? [];
  const keyNames = new Map(keys.data?.data.map((key) => [key.id, key.name]) ?? []);

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
      <UsageFilters params={params} rangeName={rangeName} groupBy={groupBy} keys={keys.data?.data ?? []} onChange={setParam} />
      <ErrorMessage error={usage.error} />
      <UsageStats totals={usage.data?.totals} loading={usage.isPending} />
      <section className="card" aria-labelledby="usage-chart-title">
        <h2 id="usage-chart-title">{timeGrouped ? 'Requests and spend' : `Spend by ${groupLabel(groupBy).toLowerCase()}`}</h2>
        {!usage.data ? (
          <Skeleton height="280px" />
        ) : timeGrouped ? (
          <UsageChart points={fillSeries(rows, { from: range.from, to: range.to, groupBy })} label="Requests and spend over time" />
        ) : rows.length === 0 ? (
          <p className="muted">No requests match these filters.</p>
        ) : (
          <BreakdownChart
            label={`Spend by ${groupLabel(groupBy).toLowerCase()}`}
            points={rows.slice(0, 12).map((row) => ({
              label: String(
                (groupBy === 'key' ? (row.keyName ?? keyNames.get(row.keyId ?? '')) : undefined) ??
                  row[groupBy as 'customer' | 'model' | 'provider' | 'keyId'] ??
                  '—',
              ),
              costUsd: row.costUsd,
            }))}
          />
        )}
      </section>
      <section className="card" aria-labelledby="usage-table-title">
        <h2 id="usage-table-title">Breakdown</h2>
        {usage.data ? <UsageTable report={usage.data} keyNames={keyNames} filter={filter} /> : <Skeleton height="12rem" />}
      </section>
    </>
  );
}
