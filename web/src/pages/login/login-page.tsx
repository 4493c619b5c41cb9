// Log in with email and password; a wrong password or a throttled account says so plainly.
import { type FormEvent, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError, errorMessage } from '../../api/api-error';
import { dataOf, publicApi } from '../../api/client';
import { useDocumentTitle } from '../../components/document-title';
import { formatDuration } from '../../format/format';
import { safeNext } from '../../session/safe-next';
import { LAST_TENANT_KEY, sessionStore } from '../../session/session-store';
import { useSession } from '../../session/use-session';

function loginError(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return 'Wrong email or password. Check them and try again.';
  if (error instanceof ApiError && error.status === 429) {
    if (/try again in/i.test(error.message)) return error.message;
    return error.retryAfter === null ? error.message : `${error.message} Try again in ${formatDuration(error.retryAfter)}.`;
  }
  return errorMessage(error);
}

export function LoginPage() {
  useDocumentTitle('Log in');
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const next = safeNext(params.get('next'));
  const ended = sessionStore.endReason();

  if (session && !pending) return <Navigate to={next} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const answer = await dataOf(publicApi.POST('/api/v1/auth/login', { body: { email, password } }));
      sessionStore.start(answer, localStorage.getItem(LAST_TENANT_KEY));
      navigate(next, { replace: true });
    } catch (caught) {
      setError(loginError(caught));
      setPending(false);
    }
  };

  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="login-brand">
          <img src="/favicon.svg" alt="" width="40" height="40" />
          <h1 id="login-title">Log in to Shuttle</h1>
        </div>
        {ended === 'expired' && !error ? (
          <p className="notice" role="status">
            Your session has ended. Log in again to continue where you were.
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="login-email">Email</label>
          <input
            id="login-email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input
            id="login-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </div>
        {error ? (
          <div className="error-message" role="alert">
            {error}
          </div>
        ) : null}
        <button type="submit" className="button primary wide" disabled={pending} aria-busy={pending}>
          {pending ? 'Logging in…' : 'Log in'}
        </button>
        <p className="hint">The first start of the gateway printed the owner's email and password.</p>
      </form>
    </main>
  );
}
