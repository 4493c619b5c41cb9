// The main navigation, in order. Add a page here and in routes.tsx.
export interface NavItem {
  to: string;
  label: string;
  end?: boolean;
  /** Shown to the server's operators only (docs/operators.md). */
  operatorOnly?: boolean;
}

export const NAV_ITEMS: NavItem[] = [
  { to: '/', label: 'Overview', end: true },
  { to: '/keys', label: 'API keys' },
  { to: '/customers', label: 'Customers' },
  { to: '/usage', label: 'Usage' },
  { to: '/logs', label: 'Logs' },
  { to: '/flows', label: 'Flows' },
  { to: '/tools', label: 'Tools' },
  { to: '/settings', label: 'Settings' },
  { to: '/operator', label: 'Operator', operatorOnly: true },
];
