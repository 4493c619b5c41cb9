// Sends a visitor without a session to /login, and one whose password must be changed to /change-password,
// remembering where they were going.
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from './use-session';

export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (session.user.mustChangePassword && location.pathname !== '/change-password') {
    const next = `${location.pathname}${location.search}${location.hash}`;
    return <Navigate to={next === '/' ? '/change-password' : `/change-password?next=${encodeURIComponent(next)}`} replace />;
  }
  return children;
}
