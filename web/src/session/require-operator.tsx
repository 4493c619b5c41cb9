// The operator pages exist only for the server's operators: anyone else gets the fallback (the "no page here" view),
// as the API answers them 403.
import type { ReactNode } from 'react';
import { useRequiredSession } from './use-session';

export function RequireOperator({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  return useRequiredSession().user.operator ? children : fallback;
}
