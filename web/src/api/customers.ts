// The tenant's end customers: a searchable, sortable list; one customer; changes to it.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { Customer, DetailedCustomer, Limits, List, ListedCustomer } from './types';

export type CustomerSort = 'spend' | 'requests' | 'createdAt' | 'lastSeenAt' | 'externalId';

export interface CustomerListQuery {
  search: string;
  sort: CustomerSort;
  order: 'asc' | 'desc';
  limit: number;
  cursor: string | null;
}

export function useCustomers(query: CustomerListQuery) {
  return useQuery({
    queryKey: ['customers', 'list', query],
    queryFn: () => api<List<ListedCustomer>>('/customers', { query: { ...query } }),
    placeholderData: keepPreviousData,
  });
}

const customerPath = (externalId: string) => `/customers/${encodeURIComponent(externalId)}`;

export function useCustomer(externalId: string) {
  return useQuery({ queryKey: ['customers', 'one', externalId], queryFn: () => api<DetailedCustomer>(customerPath(externalId)) });
}

export interface CustomerPatch {
  name?: string | null;
  email?: string | null;
  metadata?: Record<string, unknown>;
  blocked?: boolean;
  limits?: Partial<Omit<Limits, 'costUsd'>> & { costUsd?: Partial<Limits['costUsd']> };
}

export function useUpdateCustomer(externalId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: CustomerPatch) => api<Customer>(customerPath(externalId), { method: 'PATCH', body: patch }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['customers'] }),
  });
}

export function useDeleteCustomer(externalId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>(customerPath(externalId), { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['customers'] }),
  });
}
