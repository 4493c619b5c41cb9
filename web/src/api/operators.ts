// The server operators' resources: every tenant (with this month's traffic) and the plans they are given.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, dataOf } from './client';
import type { NewTenant, PlanInput, TenantChange } from './types';

const TENANTS = ['admin', 'tenants'] as const;
const PLANS = ['admin', 'plans'] as const;

function useInvalidating<Input, Output>(queryKey: readonly unknown[], run: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: run, onSuccess: () => queryClient.invalidateQueries({ queryKey }) });
}

export function useOperatedTenants() {
  return useQuery({ queryKey: TENANTS, queryFn: () => dataOf(api.GET('/api/v1/admin/tenants')) });
}

export function useCreateTenant() {
  return useInvalidating(TENANTS, (body: NewTenant) => dataOf(api.POST('/api/v1/admin/tenants', { body })));
}

export function useChangeTenant() {
  return useInvalidating(TENANTS, ({ id, ...body }: TenantChange & { id: string }) =>
    dataOf(api.PATCH('/api/v1/admin/tenants/{id}', { params: { path: { id } }, body })),
  );
}

export function useDeleteTenant() {
  return useInvalidating(TENANTS, ({ id, force }: { id: string; force: boolean }) =>
    dataOf(api.DELETE('/api/v1/admin/tenants/{id}', { params: { path: { id }, query: force ? { force: 'true' } : {} } })),
  );
}

export function usePlans() {
  return useQuery({ queryKey: PLANS, queryFn: () => dataOf(api.GET('/api/v1/admin/plans')) });
}

export function useCreatePlan() {
  return useInvalidating(PLANS, (body: PlanInput) => dataOf(api.POST('/api/v1/admin/plans', { body })));
}

export function useUpdatePlan() {
  return useInvalidating(PLANS, ({ id, ...body }: PlanInput & { id: string }) =>
    dataOf(api.PATCH('/api/v1/admin/plans/{id}', { params: { path: { id } }, body })),
  );
}

export function useDeletePlan() {
  return useInvalidating(PLANS, (id: string) => dataOf(api.DELETE('/api/v1/admin/plans/{id}', { params: { path: { id } } })));
}
