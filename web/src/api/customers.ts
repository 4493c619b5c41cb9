// The tenant's end customers: a searchable, sortable list; one customer; changes to it.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, dataOf } from './client';
import type { CustomerPatch, CustomerListQuery as ListQuery } from './types';

export type CustomerSort = NonNullable<ListQuery['sort']>;

export interface CustomerListQuery {
  search: string;
  sort: CustomerSort;
  order: NonNullable<ListQuery['order']>;
  limit: number;
  cursor: string | null;
}

export function useCustomers(query: CustomerListQuery) {
  return useQuery({
    queryKey: ['customers', 'list', query],
    queryFn: () => dataOf(api.GET('/api/v1/customers', { params: { query: { ...query, cursor: query.cursor ?? undefined } } })),
    placeholderData: keepPreviousData,
  });
}

const customer = (externalId: string) => ({ params: { path: { externalId } } });

export function useCustomer(externalId: string) {
  return useQuery({
    queryKey: ['customers', 'one', externalId],
    queryFn: () => dataOf(api.GET('/api/v1/customers/{externalId}', customer(externalId))),
  });
}

export type { CustomerPatch };

export function useUpdateCustomer(externalId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CustomerPatch) => dataOf(api.PATCH('/api/v1/customers/{externalId}', { ...customer(externalId), body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['customers'] }),
  });
}

export function useDeleteCustomer(externalId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => dataOf(api.DELETE('/api/v1/customers/{externalId}', customer(externalId))),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['customers'] }),
  });
}
