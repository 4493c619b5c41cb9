// The page an invitation link opens (public): who invited which email, as what. Someone without an account chooses
// their password here; someone with one logs in first and accepts. The token stays in the URL's fragment, which the
// browser never sends to a server, and travels only in request bodies.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { ApiError, errorMessage } from '../../api/api-error';
import { api, dataOf, publicApi } from '../../api/client';
import type { InvitationSummary } from '../../api/types';
import { useDocumentTitle } from '../../components/document-title';
import { ErrorMessage } from '../../components/error-message';
import { NewPasswordFields, newPasswordProblem } from '../../components/new-password-fields';
import { formatDateTime } from '../../format/format';
import { sessionStore } from '../../session/session-store';
import { useSession } from '../../session/use-session';

function tokenOf(hash: string): string {
  return decodeURIComponent(hash.replace(/^#(token=)?/, ''));
}

export function AcceptInvitationPage() {
  useDocumentTitle('Accept invitation');
  const location = useLocation();
  const token = tokenOf(location.hash);
  const loginLink = `/login?next=${encodeURIComponent(`/accept-invitation#${token}`)}`;
  const invitation = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => dataOf(publicApi.POST('/api/v1/invitations/lookup', { body: { token } })),
    enabled: token !== '',
    retry: false,
  });

  return (
    <main className="login">
      <div className="card login-card">
        <div className="login-brand">
          <img src="/favicon.svg" alt="" width="40" height="40" />
          <h1>Accept invitation</h1>
        </div>
        {token === '' ? (
          <p className="error-message" role="alert">
            This link has no invitation in it. Open the whole link you were sent.
          </p>
        ) : invitation.error ? (
          <ErrorMessage error={invitation.error} />
        ) : invitation.data ? (
          <>
            <p>
              <strong>{invitation.data.tenantName}</strong> invited <strong>{invitation.data.email}</strong> to join as{' '}
              {invitation.data.role}. The link works once, until {formatDateTime(invitation.data.expiresAt)}.
            </p>
            <Acceptance token={token} invitation={invitation.data} loginLink={loginLink} />
          </>
        ) : (
          <p className="muted" role="status">
            Reading the invitation…
          </p>
        )}
      </div>
    </main>
  );
}

function Acceptance({ token, invitation, loginLink }: { token: string; invitation: InvitationSummary; loginLink: string }) {
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [chosen, setChosen] = useState({ password: '', confirmation: '' });
  const [problem, setProblem] = useState<string | null>(null);

  const asUser = useMutation({
    mutationFn: () => dataOf(api.POST('/api/v1/invitations/accept', { body: { token } })),
    onSuccess: async ({ tenant }) => {
      const me = await dataOf(api.GET('/api/v1/auth/me'));
      sessionStore.refreshMemberships(me.tenants);
      sessionStore.switchTenant(tenant.id);
      queryClient.clear();
      navigate('/', { replace: true });
    },
  });
  const withPassword = useMutation({
    mutationFn: (password: string) => dataOf(publicApi.POST('/api/v1/invitations/accept-with-password', { body: { token, password } })),
    onSuccess: (answer) => {
      sessionStore.start(answer, answer.tenants[0]?.id);
      navigate('/', { replace: true });
    },
  });

  if (session && session.user.email === invitation.email) {
    return (
      <>
        <ErrorMessage error={asUser.error} />
        <button type="button" className="button primary wide" disabled={asUser.isPending} onClick={() => asUser.mutate()}>
          Accept invitation
        </button>
      </>
    );
  }
  if (session) {
    return (
      <>
        <p className="notice" role="status">
          You are logged in as {session.user.email}. Log out, then open this link again to accept it as {invitation.email}.
        </p>
        <button type="button" className="button wide" onClick={() => sessionStore.logOut()}>
          Log out
        </button>
      </>
    );
  }

  const needsLogin = withPassword.error instanceof ApiError && withPassword.error.code === 'login_required';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const wrong = newPasswordProblem(chosen);
    setProblem(wrong);
    if (!wrong) withPassword.mutate(chosen.password);
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="Choose your password">
      <p className="muted">New to Shuttle? Choose your password. Nobody else, the person who invited you included, will know it.</p>
      <NewPasswordFields value={chosen} onChange={setChosen} />
      {needsLogin ? (
        <div className="error-message" role="alert">
          {invitation.email} already has a Shuttle account. <Link to={loginLink}>Log in</Link> with it to accept; its password stays as it
          is.
        </div>
      ) : problem || withPassword.error ? (
        <div className="error-message" role="alert">
          {problem ?? errorMessage(withPassword.error)}
        </div>
      ) : null}
      <button type="submit" className="button primary wide" disabled={withPassword.isPending} aria-busy={withPassword.isPending}>
        Accept invitation
      </button>
      <p className="hint">
        Already have a Shuttle account? <Link to={loginLink}>Log in to accept</Link>.
      </p>
    </form>
  );
}
