// Shown while the server can't be reached: the page keeps the data it last loaded, and every query is asked again
// every few seconds until the server answers (then the banner goes).
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useServerReachable } from '../api/connectivity';

const RETRY_MS = 5_000;

export function OfflineBanner() {
  const reachable = useServerReachable();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (reachable) return;
    const timer = setInterval(() => void queryClient.refetchQueries({ type: 'active' }), RETRY_MS);
    return () => clearInterval(timer);
  }, [reachable, queryClient]);
  return (
    <div role="status" className={reachable ? 'visually-hidden' : 'offline-banner'}>
      {reachable ? null : (
        <>
          <strong>You are offline:</strong> the server can't be reached. What you see is the data last loaded; it refreshes once the server
          answers again.
        </>
      )}
    </div>
  );
}
