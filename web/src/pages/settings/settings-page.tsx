// Settings: the tenant's limits, environments, providers, routing rules, members and audit log, one section each.
import { NavLink, Outlet } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { usePermissions } from '../../session/use-session';

export function SettingsPage() {
  const { manageTenant } = usePermissions();
  const sections = [
    { to: 'limits', label: 'Tenant and limits' },
    { to: 'environments', label: 'Environments' },
    { to: 'providers', label: 'Providers' },
    { to: 'routing', label: 'Routing rules' },
    ...(manageTenant
      ? [
          { to: 'members', label: 'Members' },
          { to: 'audit-log', label: 'Audit log' },
        ]
      : []),
  ];
  return (
    <>
      <PageHeader
        title="Settings"
        description={
          manageTenant ? 'How this tenant works: limits, providers, routing and people.' : 'Read-only: owners and admins change settings.'
        }
      />
      <div className="settings">
        <nav className="subnav" aria-label="Settings sections">
          <ul>
            {sections.map((section) => (
              <li key={section.to}>
                <NavLink to={section.to} className="nav-link">
                  {section.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="stack">
          <Outlet />
        </div>
      </div>
    </>
  );
}
