// The usage API: one report per filter and grouping, and its CSV download.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, dataOf } from './client';
import type { UsageQuery } from './types';

export type UsageFilter = Omit<UsageQuery, 'format'>;

export function usageQuery(filter: UsageFilter) {
  return {
    queryKey: ['usage', 'tenant', filter] as const,
    queryFn: () => dataOf(api.GET('/api/v1/usage', { params: { query: filter } })),
    placeholderData: keepPreviousData,
  };
}

export function useUsage(filter: UsageFilter, enabled = true) {
  return useQuery({ ...usageQuery(filter), enabled });
}

export function useCustomerUsage(externalId: string, filter: UsageFilter) {
  return useQuery({
    queryKey: ['usage', 'customer', externalId, filter] as const,
    queryFn: () => dataOf(api.GET('/api/v1/customers/{externalId}/usage', { params: { path: { externalId }, query: filter } })),
    placeholderData: keepPreviousData,
  });
}

/** Downloads the report as the API's own CSV, under the name the API gives it. */
export async function downloadUsageCsv(filter: UsageFilter): Promise<void> {
  const { data: blob, response } = await api.GET('/api/v1/usage', { params: { query: { ...filter, format: 'csv' } }, parseAs: 'blob' });
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? 'shuttle-usage.csv';
  const url = URL.createObjectURL(blob as Blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
