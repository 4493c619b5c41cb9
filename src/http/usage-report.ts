// Builds the usage API's answer (JSON or CSV) from the usage repository, for /usage and /customers/{id}/usage.

import { percentile } from '../domain/latency-histogram.js';
import { InvalidRequestError } from '../errors/shuttle-error.js';
import { microsToUsd } from '../metering/price-table.js';
import type { CustomerRepository } from '../store/repositories/customers.js';
import type { UsageAggregate, UsageFilter, UsageQueryRepository } from '../store/repositories/usage-queries.js';
import { DAY_MS } from '../store/repositories/usage-rollups.js';
import type { UsageQuery, UsageReport, UsageRow } from './schemas/usage.js';

const MAX_HOURLY_RANGE_MS = 31 * DAY_MS;
const EMPTY: UsageAggregate = {
  group: null,
  label: null,
  requests: 0,
  errors: 0,
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  costMicros: 0,
  billedMicros: 0,
  latencyMsSum: 0,
  histogram: [],
  cacheHits: 0,
  savedMicros: 0,
};

function parseInstant(value: string, param: string): number {
  const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(at)) throw new InvalidRequestError(`${param} must be a date (2026-11-01) or an ISO 8601 date-time.`, param);
  return at;
}

export function reportRange(query: Pick<UsageQuery, 'from' | 'to'>, now = Date.now()): { from: number; to: number } {
  const to = query.to === undefined ? (Math.floor(now / DAY_MS) + 1) * DAY_MS : parseInstant(query.to, 'to');
  const from = query.from === undefined ? to - 30 * DAY_MS : parseInstant(query.from, 'from');
  if (from >= to) throw new InvalidRequestError('from must be before to.', 'from');
  return { from, to };
}

function metrics(a: UsageAggregate) {
  const meanMs = a.requests === 0 ? undefined : a.latencyMsSum / a.requests;
  return {
    requests: a.requests,
    errors: a.errors,
    promptTokens: a.promptTokens,
    completionTokens: a.completionTokens,
    cachedTokens: a.cachedTokens,
    totalTokens: a.promptTokens + a.completionTokens,
    costMicros: a.billedMicros,
    costUsd: microsToUsd(a.billedMicros),
    providerCostMicros: a.costMicros,
    providerCostUsd: microsToUsd(a.costMicros),
    latencyAvgMs: meanMs === undefined ? null : Math.round(meanMs),
    latencyP50Ms: percentile(a.histogram, 0.5, meanMs),
    latencyP95Ms: percentile(a.histogram, 0.95, meanMs),
    cacheHits: a.cacheHits,
    savedUsd: microsToUsd(a.savedMicros),
  };
}

function row(a: UsageAggregate, groupBy: UsageQuery['groupBy']): UsageRow {
  const base = metrics(a);
  switch (groupBy) {
    case 'day':
      return { day: new Date(a.group as number).toISOString().slice(0, 10), ...base };
    case 'hour':
      return { hour: new Date(a.group as number).toISOString(), ...base };
    case 'customer':
      return { customer: (a.group as string) || '', ...base };
    case 'model':
      return { model: a.group as string, ...base };
    case 'key':
      return { keyId: a.group as string, keyName: a.label, ...base };
    case 'provider':
      return { provider: a.group as string, ...base };
    default:
      return base;
  }
}

export interface ReportSources {
  usage: UsageQueryRepository;
  customers: CustomerRepository;
}

export async function buildUsageReport(
  sources: ReportSources,
  tenantId: string,
  query: UsageQuery,
  forcedCustomer?: string,
): Promise<UsageReport> {
  const { from, to } = reportRange(query);
  if (query.groupBy === 'hour' && to - from > MAX_HOURLY_RANGE_MS) {
    throw new InvalidRequestError('groupBy=hour covers at most 31 days; narrow from and to, or group by day.', 'groupBy');
  }
  const externalId = forcedCustomer ?? query.customer;
  const filter: UsageFilter = { from, to, keyId: query.key, model: query.model, provider: query.provider, status: query.status };
  if (externalId !== undefined) {
    const customer = await sources.customers.get(tenantId, externalId);
    if (!customer)
      return {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        groupBy: query.groupBy,
        data: [],
        totals: metrics(EMPTY),
      };
    filter.customerId = customer.id;
  }
  const [groups, totals] = await Promise.all([
    sources.usage.aggregate(tenantId, filter, query.groupBy, query.limit),
    query.groupBy === 'none' ? undefined : sources.usage.aggregate(tenantId, filter, 'none', 1),
  ]);
  const total = (totals ?? groups).rows[0] ?? EMPTY;
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    groupBy: query.groupBy,
    data: query.groupBy === 'none' ? [] : groups.rows.map((a) => row(a, query.groupBy)),
    totals: metrics(total),
  };
}

const CSV_METRICS = [
  'requests',
  'errors',
  'promptTokens',
  'completionTokens',
  'cachedTokens',
  'totalTokens',
  'costUsd',
  'costMicros',
  'providerCostUsd',
  'providerCostMicros',
  'latencyAvgMs',
  'latencyP50Ms',
  'latencyP95Ms',
  'cacheHits',
  'savedUsd',
] as const;
const CSV_GROUP_COLUMNS: Record<string, readonly string[]> = {
  none: [],
  day: ['day'],
  hour: ['hour'],
  customer: ['customer'],
  model: ['model'],
  key: ['keyId', 'keyName'],
  provider: ['provider'],
};

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // Quote anything a spreadsheet could misread, and neutralise formula injection.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function usageCsv(report: UsageReport): string {
  const groupColumns = CSV_GROUP_COLUMNS[report.groupBy] ?? [];
  const columns = [...groupColumns, ...CSV_METRICS];
  const rows = report.groupBy === 'none' ? [report.totals] : report.data;
  return `${[columns.join(','), ...rows.map((r) => columns.map((c) => csvCell((r as Record<string, unknown>)[c])).join(','))].join('\r\n')}\r\n`;
}
