// The frame around every signed-in page: the header (tenant, account) and the main navigation.
import { NavLink, Outlet, useLocation } from 'react-router';
import { OfflineBanner } from '../components/offline-banner';
import { currentTenantSuspended } from '../session/session-store';
import { useMembershipsRefresh } from '../session/use-memberships-refresh';
import { useRequiredSession } from '../session/use-session';
import { AccountMenu } from './account-menu';
import { NAV_ITEMS } from './nav-items';
import { SuspendedNotice } from './suspended-notice';
import { TenantSwitcher } from './tenant-switcher';

// Pages that don't act in the tenant, so they work while it is suspended.
const OUTSIDE_THE_TENANT = /^\/(operator|account)(\/|$)/;

export function AppShell() {
  useMembershipsRefresh();
  const session = useRequiredSession();
  const { pathname } = useLocation();
  const navItems = NAV_ITEMS.filter((item) => !item.operatorOnly || session.user.operator);
  const suspended = currentTenantSuspended(session) && !OUTSIDE_THE_TENANT.test(pathname);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label="Shuttle home">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>Shuttle</span>
        </NavLink>
        <TenantSwitcher />
        <div className="topbar-spacer" />
        <AccountMenu />
      </header>
      <nav className="sidenav" aria-label="Main">
        <ul>
          {navItems.map((item) => (
            <li key={item.to}>
              <NavLink to={item.to} end={item.end ?? false} className="nav-link">
                {item.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <OfflineBanner />
        {suspended ? <SuspendedNotice /> : <Outlet />}
      </main>
    </div>
  );
}
