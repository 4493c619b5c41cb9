// Account: who you are and in which tenants, your password (changing it ends your other sessions), and ending every
// session at once.
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { PageHeader } from '../../components/page-header';
import { useToast } from '../../components/toaster';
import { sessionStore } from '../../session/session-store';
import { useRequiredSession } from '../../session/use-session';
import { ChangePasswordForm } from './change-password-form';

export function AccountPage() {
  const session = useRequiredSession();
  const notify = useToast();
  const queryClient = useQueryClient();
  const { email, name } = session.user;
  // Tokens can't be revoked one by one: this ends every session of the user, this one included.
  const logOutEverywhere = async () => {
    await api.POST('/api/v1/auth/logout-all').catch(() => undefined);
    sessionStore.logOut();
    queryClient.clear();
  };

  return (
    <>
      <PageHeader title="Account" description={email} />
      <div className="stack">
        <section className="card" aria-labelledby="profile-title">
          <h2 id="profile-title">Profile</h2>
          <dl className="key-facts">
            <div>
              <dt>Email</dt>
              <dd>{email}</dd>
            </div>
            {name ? (
              <div>
                <dt>Name</dt>
                <dd>{name}</dd>
              </div>
            ) : null}
            <div>
              <dt>Tenants</dt>
              <dd>
                {session.tenants.map((tenant) => (
                  <span key={tenant.id} className="account-tenant">
                    {tenant.name} <span className="badge">{tenant.role}</span>
                  </span>
                ))}
              </dd>
            </div>
          </dl>
        </section>
        <section className="card narrow-card" aria-labelledby="password-title">
          <h2 id="password-title">Change password</h2>
          <p className="muted" id="password-sessions">
            Changing your password ends every other session of {email}, on every device; this one stays logged in.
          </p>
          <ChangePasswordForm onChanged={() => notify('Password changed; your other sessions have ended')} />
        </section>
        <section className="card narrow-card" aria-labelledby="sessions-title">
          <h2 id="sessions-title">Sessions</h2>
          <p className="muted">
            Lost a laptop, or logged in on a shared computer? "Log out everywhere" ends every session of {email}, this one included.
          </p>
          <div className="form-actions" style={{ justifyContent: 'flex-start' }}>
            <button type="button" className="button" onClick={logOutEverywhere}>
              Log out everywhere
            </button>
          </div>
        </section>
      </div>
    </>
  );
}
