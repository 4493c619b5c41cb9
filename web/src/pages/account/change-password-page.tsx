// Change your own password: from the account menu, or forced after logging in with a password someone else set.
// Every other session ends; this one carries on with the new token.
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, errorMessage } from '../../api/api-error';
import { api, dataOf } from '../../api/client';
import { NewPasswordFields, newPasswordProblem } from '../../components/new-password-fields';
import { safeNext } from '../../session/safe-next';
import { sessionStore } from '../../session/session-store';
import { useRequiredSession } from '../../session/use-session';

export function ChangePasswordPage() {
  const session = useRequiredSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [current, setCurrent] = useState('');
  const [chosen, setChosen] = useState({ password: '', confirmation: '' });
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const forced = session.user.mustChangePassword;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = newPasswordProblem(chosen);
    if (problem) {
      setError(problem);
      return;
    }
    setPending(true);
    setError(null);
    try {
      const answer = await dataOf(api.POST('/api/v1/auth/password', { body: { currentPassword: current, newPassword: chosen.password } }));
      sessionStore.passwordChanged(answer.token, answer.expiresAt);
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.param === 'currentPassword' ? 'The current password is not correct.' : errorMessage(caught),
      );
      setPending(false);
    }
  };

  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit} aria-labelledby="change-password-title">
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
        <div className="field">
          <label htmlFor="current-password">Current password</label>
          <input
            id="current-password"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(event) => setCurrent(event.target.value)}
          />
        </div>
        <NewPasswordFields value={chosen} onChange={setChosen} />
        {error ? (
          <div className="error-message" role="alert">
            {error}
          </div>
        ) : null}
        <button type="submit" className="button primary wide" disabled={pending} aria-busy={pending}>
          {pending ? 'Changing…' : 'Change password'}
        </button>
        {forced ? (
          <button type="button" className="button ghost wide" onClick={() => sessionStore.logOut()}>
            Log out
          </button>
        ) : (
          <Link to="/" className="button ghost wide">
            Back to the dashboard
          </Link>
        )}
      </form>
    </main>
  );
}
