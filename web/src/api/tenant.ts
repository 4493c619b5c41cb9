// The current tenant: its name and limits.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { Limits, Tenant } from './types';

export function useTenant() {
  return useQuery({ queryKey: ['tenant'], queryFn: () => api<Tenant>('/tenant') });
}

export function useUpdateTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: { name?: string; limits?: Limits }) => api<Tenant>('/tenant', { method: 'PATCH', body: patch }),
    onSuccess: (tenant) => queryClient.setQueryData(['tenant'], tenant),
  });
}
