// The signed-in person: who they are, "Account" (profile, password, sessions) and "Log out".
import { useQueryClient } from '@tanstack/react-query';
import { DropdownMenu } from 'radix-ui';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import { sessionStore } from '../session/session-store';
import { useRequiredSession } from '../session/use-session';

export function AccountMenu() {
  const session = useRequiredSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const logOut = () => {
    sessionStore.logOut();
    queryClient.clear();
  };
  // Tokens can't be revoked one by one: this ends every session of the user, on every device.
  const logOutEverywhere = async () => {
    await api.POST('/api/v1/auth/logout-all').catch(() => undefined);
    logOut();
  };
  const initial = (session.user.name ?? session.user.email).slice(0, 1).toUpperCase();
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="button ghost account-trigger">
        <span className="avatar" aria-hidden="true">
          {initial}
        </span>
        <span className="visually-hidden">Account: </span>
        <span className="account-email">{session.user.email}</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="end" sideOffset={6}>
          <DropdownMenu.Label className="menu-label">{session.user.email}</DropdownMenu.Label>
          <DropdownMenu.Separator className="menu-separator" />
          <DropdownMenu.Item className="menu-item" onSelect={() => navigate('/account')}>
            Account
          </DropdownMenu.Item>
          <DropdownMenu.Item className="menu-item" onSelect={logOut}>
            Log out
          </DropdownMenu.Item>
          <DropdownMenu.Item className="menu-item" onSelect={logOutEverywhere}>
            Log out everywhere
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
