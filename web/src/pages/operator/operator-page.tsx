// Operator: the server's tenants and the plans they are given, for the server's operators only (docs/operators.md).
import { NavLink, Outlet } from 'react-router';
import { PageHeader } from '../../components/page-header';

const SECTIONS = [
  { to: 'tenants', label: 'Tenants' },
  { to: 'plans', label: 'Plans' },
];

export function OperatorPage() {
  return (
    <>
      <PageHeader title="Operator" description="Every tenant of this server, and the plans that bound what they may do." />
      <div className="settings">
        <nav className="subnav" aria-label="Operator sections">
          <ul>
            {SECTIONS.map((section) => (
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
