// Change your own password outside the dashboard's frame: where a person whose password someone else set is sent
// after logging in, before anything else. (Everyone else changes it on the Account page.)
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useDocumentTitle } from '../../components/document-title';
import { safeNext } from '../../session/safe-next';
import { sessionStore } from '../../session/session-store';
import { useRequiredSession } from '../../session/use-session';
import { ChangePasswordForm } from './change-password-form';

export function ChangePasswordPage() {
  const session = useRequiredSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const forced = session.user.mustChangePassword;
  useDocumentTitle('Change password');

  return (
    <main className="login">
      <div className="card login-card">
        <div className="login-brand">
          <img src="/favicon.svg" alt="" width="40" height="40" />
          <h1 id="change-password-title">Change password</h1>
        </div>
        {forced ? (
          <p className="notice" role="status">
            Your password was set by someone else. Choose your own before you continue.
          </p>
        ) : (
          <p className="muted">Every other session of {session.user.email} ends; this one stays logged in.</p>
        )}
        <ChangePasswordForm wide onChanged={() => navigate(safeNext(params.get('next')), { replace: true })}>
          {forced ? (
            <button type="button" className="button ghost wide" onClick={() => sessionStore.logOut()}>
              Log out
            </button>
          ) : (
            <Link to="/" className="button ghost wide">
              Back to the dashboard
            </Link>
          )}
        </ChangePasswordForm>
      </div>
    </main>
  );
}
