// The frame around every signed-in page: the header (tenant, account) and the main navigation.
import { NavLink, Outlet } from 'react-router';
import { OfflineBanner } from '../components/offline-banner';
import { useMembershipsRefresh } from '../session/use-memberships-refresh';
import { AccountMenu } from './account-menu';
import { NAV_ITEMS } from './nav-items';
import { TenantSwitcher } from './tenant-switcher';

export function AppShell() {
  useMembershipsRefresh();
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
          {NAV_ITEMS.map((item) => (
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
        <Outlet />
      </main>
    </div>
  );
}
