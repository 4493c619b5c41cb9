// Reads /auth/me once a session is shown, so a role, a suspension or the operator flag changed since the login is
// reflected in what the pages offer.
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, dataOf } from '../api/client';
import { sessionStore } from './session-store';

export function useMembershipsRefresh(): void {
  const me = useQuery({ queryKey: ['auth', 'me'], queryFn: () => dataOf(api.GET('/api/v1/auth/me')) });
  useEffect(() => {
    if (me.data) sessionStore.refreshMemberships(me.data.tenants, me.data.user);
  }, [me.data]);
}
