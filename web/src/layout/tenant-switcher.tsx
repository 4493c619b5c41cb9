// Which tenant the dashboard shows; a menu to switch when the user belongs to several.
import { useQueryClient } from '@tanstack/react-query';
import { DropdownMenu } from 'radix-ui';
import { useNavigate } from 'react-router';
import { sessionStore } from '../session/session-store';
import { useRequiredSession } from '../session/use-session';

export function TenantSwitcher() {
  const session = useRequiredSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const current = session.tenants.find((tenant) => tenant.id === session.tenantId);
  if (session.tenants.length < 2) {
    return (
      <span className="tenant-name">
        {current?.name} <span className="badge">{current?.role}</span>
        {current?.suspended ? <span className="badge danger">suspended</span> : null}
      </span>
    );
  }
  const switchTo = (tenantId: string) => {
    if (tenantId === session.tenantId) return;
    sessionStore.switchTenant(tenantId);
    queryClient.clear();
    navigate('/');
  };
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="button ghost tenant-trigger" aria-label={`Tenant: ${current?.name}. Switch tenant`}>
        {current?.name} <span className="badge">{current?.role}</span> <span aria-hidden="true">▾</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="start" sideOffset={6}>
          <DropdownMenu.Label className="menu-label">Switch tenant</DropdownMenu.Label>
          <DropdownMenu.RadioGroup value={session.tenantId} onValueChange={switchTo}>
            {session.tenants.map((tenant) => (
              <DropdownMenu.RadioItem key={tenant.id} value={tenant.id} className="menu-item">
                <DropdownMenu.ItemIndicator className="menu-check">✓</DropdownMenu.ItemIndicator>
                {tenant.name}{' '}
                <span className="muted">
                  ({tenant.role}
                  {tenant.suspended ? ', suspended' : ''})
                </span>
              </DropdownMenu.RadioItem>
            ))}
          </DropdownMenu.RadioGroup>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
