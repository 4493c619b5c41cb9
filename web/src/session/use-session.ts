// React access to the session store.
import { useSyncExternalStore } from 'react';
import { type Permissions, permissionsOf } from './permissions';
import { currentRole, type Session, sessionStore } from './session-store';

export function useSession(): Session | null {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
}

/** The current session; only for components rendered behind RequireSession. */
export function useRequiredSession(): Session {
  const session = useSession();
  if (!session) throw new Error('useRequiredSession outside a session');
  return session;
}

export function usePermissions(): Permissions {
  return permissionsOf(currentRole(useSession()));
}
