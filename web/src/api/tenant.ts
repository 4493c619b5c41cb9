// The current tenant: its name and limits.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, dataOf } from './client';
import type { TenantPatch } from './types';

export function useTenant() {
  return useQuery({ queryKey: ['tenant'], queryFn: () => dataOf(api.GET('/api/v1/tenant')) });
}

export function useUpdateTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TenantPatch) => dataOf(api.PATCH('/api/v1/tenant', { body })),
    onSuccess: (tenant) => queryClient.setQueryData(['tenant'], tenant),
  });
}
