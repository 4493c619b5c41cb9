// Tenant settings resources: environments, provider connections, routing rules, members and the audit log.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, dataOf } from './client';
import type { NewProvider, Role, RoutingRuleInput } from './types';

function useInvalidating<Input, Output>(queryKey: readonly unknown[], run: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: run, onSuccess: () => queryClient.invalidateQueries({ queryKey }) });
}

export function useEnvironments() {
  return useQuery({ queryKey: ['environments'], queryFn: () => dataOf(api.GET('/api/v1/environments')) });
}

export function useCreateEnvironment() {
  return useInvalidating(['environments'], (name: string) => dataOf(api.POST('/api/v1/environments', { body: { name } })));
}

export function useDeleteEnvironment() {
  return useInvalidating(['environments'], (name: string) =>
    dataOf(api.DELETE('/api/v1/environments/{name}', { params: { path: { name } } })),
  );
}

export function useProviders() {
  return useQuery({ queryKey: ['providers'], queryFn: () => dataOf(api.GET('/api/v1/providers')) });
}

export function useCreateProvider() {
  return useInvalidating(['providers'], (body: NewProvider) => dataOf(api.POST('/api/v1/providers', { body })));
}

export function useDeleteProvider() {
  return useInvalidating(['providers'], (id: string) => dataOf(api.DELETE('/api/v1/providers/{id}', { params: { path: { id } } })));
}

export function useTestProvider() {
  return useMutation({
    mutationFn: ({ id, model }: { id: string; model: string }) =>
      dataOf(api.POST('/api/v1/providers/{id}/test', { params: { path: { id } }, body: { model } })),
  });
}

export function useRoutingRules(environment: string) {
  return useQuery({
    queryKey: ['routing-rules', environment],
    queryFn: () => dataOf(api.GET('/api/v1/routing-rules', { params: { query: { environment } } })),
  });
}

export function useSaveRoutingRule() {
  return useInvalidating(['routing-rules'], ({ alias, ...body }: RoutingRuleInput & { alias: string }) =>
    dataOf(api.PUT('/api/v1/routing-rules/{alias}', { params: { path: { alias } }, body })),
  );
}

export function useDeleteRoutingRule() {
  return useInvalidating(['routing-rules'], ({ alias, environment }: { alias: string; environment: string }) =>
    dataOf(api.DELETE('/api/v1/routing-rules/{alias}', { params: { path: { alias }, query: { environment } } })),
  );
}

export function useMembers(enabled: boolean) {
  return useQuery({ queryKey: ['members'], queryFn: () => dataOf(api.GET('/api/v1/members')), enabled });
}

export function useInvitations(enabled: boolean) {
  return useQuery({ queryKey: ['invitations'], queryFn: () => dataOf(api.GET('/api/v1/invitations')), enabled });
}

export function useInvite() {
  return useInvalidating(['invitations'], (body: { email: string; role: Role; name?: string }) =>
    dataOf(api.POST('/api/v1/invitations', { body })),
  );
}

export function useRevokeInvitation() {
  return useInvalidating(['invitations'], (id: string) => dataOf(api.DELETE('/api/v1/invitations/{id}', { params: { path: { id } } })));
}

export function useChangeRole() {
  return useInvalidating(['members'], ({ userId, role }: { userId: string; role: Role }) =>
    dataOf(api.PATCH('/api/v1/members/{userId}', { params: { path: { userId } }, body: { role } })),
  );
}

export function useRemoveMember() {
  return useInvalidating(['members'], (userId: string) => dataOf(api.DELETE('/api/v1/members/{userId}', { params: { path: { userId } } })));
}

export function useAuditLog(action: string) {
  return useInfiniteQuery({
    queryKey: ['audit-log', action],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      dataOf(api.GET('/api/v1/audit-log', { params: { query: { limit: 50, action, cursor: pageParam ?? undefined } } })),
    getNextPageParam: (page) => page.nextCursor,
  });
}
