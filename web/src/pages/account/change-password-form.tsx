// "Current password", "New password", "Confirm new password", "Change password": every other session of the person
// ends (POST /auth/password), this one carries on with the new token.
import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiError, errorMessage } from '../../api/api-error';
import { api, dataOf } from '../../api/client';
import { NewPasswordFields, newPasswordProblem } from '../../components/new-password-fields';
import { sessionStore } from '../../session/session-store';

interface ChangePasswordFormProps {
  onChanged: () => void;
  /** Shown between the fields and the button's row end, e.g. "Log out" or "Back to the dashboard". */
  children?: ReactNode;
  wide?: boolean;
}

export function ChangePasswordForm({ onChanged, children, wide = false }: ChangePasswordFormProps) {
  const [current, setCurrent] = useState('');
  const [chosen, setChosen] = useState({ password: '', confirmation: '' });
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

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
      setCurrent('');
      setChosen({ password: '', confirmation: '' });
      setPending(false);
      onChanged();
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.param === 'currentPassword' ? 'The current password is not correct.' : errorMessage(caught),
      );
      setPending(false);
    }
  };

  return (
    <form className="stack" onSubmit={submit} aria-label="Change password">
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
      <button type="submit" className={wide ? 'button primary wide' : 'button primary'} disabled={pending} aria-busy={pending}>
        {pending ? 'Changing…' : 'Change password'}
      </button>
      {children}
    </form>
  );
}
