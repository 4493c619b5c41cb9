// The dashboard's pages. Each page is its own chunk, loaded when first visited.
import type { ComponentType, ReactNode } from 'react';
import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { PageErrorBoundary } from './components/page-error';
import { SkeletonRows } from './components/skeleton';
import { AppShell } from './layout/app-shell';
import { LoginPage } from './pages/login/login-page';
import { RequireOperator } from './session/require-operator';
import { RequireSession } from './session/require-session';

const named = <T extends Record<string, ComponentType>>(load: () => Promise<T>, name: keyof T) =>
  lazy(() => load().then((module) => ({ default: module[name] as ComponentType })));

const OverviewPage = named(() => import('./pages/overview/overview-page'), 'OverviewPage');
const KeysPage = named(() => import('./pages/keys/keys-page'), 'KeysPage');
const CustomersPage = named(() => import('./pages/customers/customers-page'), 'CustomersPage');
const CustomerPage = named(() => import('./pages/customers/customer-page'), 'CustomerPage');
const UsagePage = named(() => import('./pages/usage/usage-page'), 'UsagePage');
const LogsPage = named(() => import('./pages/logs/logs-page'), 'LogsPage');
const FlowsRoutes = named(() => import('./pages/flows/flows-routes'), 'FlowsRoutes');
const ToolsPage = named(() => import('./pages/tools/tools-page'), 'ToolsPage');
const SettingsPage = named(() => import('./pages/settings/settings-page'), 'SettingsPage');
const LimitsSection = named(() => import('./pages/settings/limits-section'), 'LimitsSection');
const EnvironmentsSection = named(() => import('./pages/settings/environments-section'), 'EnvironmentsSection');
const ProvidersSection = named(() => import('./pages/settings/providers-section'), 'ProvidersSection');
const RoutingSection = named(() => import('./pages/settings/routing-section'), 'RoutingSection');
const MembersSection = named(() => import('./pages/settings/members-section'), 'MembersSection');
const AuditLogSection = named(() => import('./pages/settings/audit-log-section'), 'AuditLogSection');
const OperatorPage = named(() => import('./pages/operator/operator-page'), 'OperatorPage');
const TenantsSection = named(() => import('./pages/operator/tenants-section'), 'TenantsSection');
const PlansSection = named(() => import('./pages/operator/plans-section'), 'PlansSection');
const AcceptInvitationPage = named(() => import('./pages/invitations/accept-invitation-page'), 'AcceptInvitationPage');
const ChangePasswordPage = named(() => import('./pages/account/change-password-page'), 'ChangePasswordPage');
const AccountPage = named(() => import('./pages/account/account-page'), 'AccountPage');
const NotFoundPage = named(() => import('./pages/not-found-page'), 'NotFoundPage');

/** A page's chunk, with placeholders while it loads and an error view with "Reload" when it can't. */
function PageFrame({ children }: { children: ReactNode }) {
  // An error on one page doesn't stay on the next.
  const { pathname } = useLocation();
  return (
    <PageErrorBoundary resetKey={pathname}>
      <Suspense fallback={<SkeletonRows rows={6} label="Loading the page" />}>{children}</Suspense>
    </PageErrorBoundary>
  );
}

function page(element: ReactNode) {
  return <PageFrame>{element}</PageFrame>;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/accept-invitation" element={page(<AcceptInvitationPage />)} />
      <Route path="/change-password" element={<RequireSession>{page(<ChangePasswordPage />)}</RequireSession>} />
      <Route
        element={
          <RequireSession>
            <AppShell />
          </RequireSession>
        }
      >
        <Route index element={page(<OverviewPage />)} />
        <Route path="keys" element={page(<KeysPage />)} />
        <Route path="customers" element={page(<CustomersPage />)} />
        <Route path="customers/:externalId" element={page(<CustomerPage />)} />
        <Route path="usage" element={page(<UsagePage />)} />
        {/* One route for the list and a request opened over it, so the list stays as it was. */}
        <Route path="logs/:id?" element={page(<LogsPage />)} />
        <Route path="flows/*" element={page(<FlowsRoutes />)} />
        <Route path="tools" element={page(<ToolsPage />)} />
        <Route path="settings" element={page(<SettingsPage />)}>
          <Route index element={<Navigate to="limits" replace />} />
          <Route path="limits" element={page(<LimitsSection />)} />
          <Route path="environments" element={page(<EnvironmentsSection />)} />
          <Route path="providers" element={page(<ProvidersSection />)} />
          <Route path="routing" element={page(<RoutingSection />)} />
          <Route path="members" element={page(<MembersSection />)} />
          <Route path="audit-log" element={page(<AuditLogSection />)} />
        </Route>
        <Route path="operator" element={<RequireOperator fallback={page(<NotFoundPage />)}>{page(<OperatorPage />)}</RequireOperator>}>
          <Route index element={<Navigate to="tenants" replace />} />
          <Route path="tenants" element={page(<TenantsSection />)} />
          <Route path="plans" element={page(<PlansSection />)} />
        </Route>
        <Route path="account" element={page(<AccountPage />)} />
        <Route path="*" element={page(<NotFoundPage />)} />
      </Route>
    </Routes>
  );
}
