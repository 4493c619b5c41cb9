// The usage API: one report per filter and grouping, and its CSV download.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, apiFetch } from './client';
import type { GroupBy, UsageReport } from './types';

export interface UsageFilter {
  from?: string;
  to?: string;
  customer?: string;
  key?: string;
  model?: string;
  provider?: string;
  status?: string;
  groupBy?: GroupBy;
  limit?: number;
}

export function usageQuery(filter: UsageFilter, path = '/usage') {
  return {
    queryKey: ['usage', path, filter] as const,
    queryFn: () => api<UsageReport>(path, { query: { ...filter } }),
    placeholderData: keepPreviousData,
  };
}

export function useUsage(filter: UsageFilter, enabled = true) {
  return useQuery({ ...usageQuery(filter), enabled });
}

export function useCustomerUsage(externalId: string, filter: UsageFilter) {
  return useQuery(usageQuery(filter, `/customers/${encodeURIComponent(externalId)}/usage`));
}

/** Downloads the report as the API's own CSV, under the name the API gives it. */
export async function downloadUsageCsv(filter: UsageFilter): Promise<void> {
  const response = await apiFetch('/usage', { query: { ...filter, format: 'csv' } });
  const blob = await response.blob();
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? 'shuttle-usage.csv';
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
