// "New password" and "Confirm new password": at least 8 characters (the API's rule), and the two must match.
export const MIN_PASSWORD_LENGTH = 8;

export interface NewPassword {
  password: string;
  confirmation: string;
}

/** What is wrong with the chosen password, or null when it can be sent. */
export function newPasswordProblem({ password, confirmation }: NewPassword): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `The new password must be at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password !== confirmation) return 'The two new passwords do not match.';
  return null;
}

export function NewPasswordFields({ value, onChange }: { value: NewPassword; onChange: (value: NewPassword) => void }) {
  return (
    <>
      <div className="field">
        <label htmlFor="new-password">New password</label>
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          maxLength={256}
          aria-describedby="new-password-hint"
          value={value.password}
          onChange={(event) => onChange({ ...value, password: event.target.value })}
        />
        <p className="hint" id="new-password-hint">
          At least {MIN_PASSWORD_LENGTH} characters. Only you will know it.
        </p>
      </div>
      <div className="field">
        <label htmlFor="confirm-new-password">Confirm new password</label>
        <input
          id="confirm-new-password"
          type="password"
          autoComplete="new-password"
          required
          maxLength={256}
          value={value.confirmation}
          onChange={(event) => onChange({ ...value, confirmation: event.target.value })}
        />
      </div>
    </>
  );
}
