// A JSON textarea that says at once what is wrong with it (not JSON, not an object), tied to the field for screen
// readers; the form is not sent while it is invalid.
import { useId } from 'react';

/** The text's JSON object, or why it is not one. */
export function parseJsonObject(text: string): { value: Record<string, unknown> } | { error: string } {
  if (text.trim() === '') return { value: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { error: 'Must be a JSON object ({…}).' };
  return { value: parsed as Record<string, unknown> };
}

interface JsonFieldProps {
  label: string;
  hint: string;
  value: string;
  onChange: (value: string) => void;
  rows?: number;
}

export function JsonField({ label, hint, value, onChange, rows = 6 }: JsonFieldProps) {
  const id = useId();
  const parsed = parseJsonObject(value);
  const problem = 'error' in parsed ? parsed.error : null;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={rows}
        spellCheck={false}
        aria-invalid={problem !== null}
        aria-describedby={`${id}-hint${problem ? ` ${id}-problem` : ''}`}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
      {problem ? (
        <p className="field-error" id={`${id}-problem`}>
          {problem}
        </p>
      ) : null}
    </div>
  );
}
