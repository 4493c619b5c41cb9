// "From" and "To" of a custom time range, to the minute in local time; the URL keeps them as ISO instants.

/**
 * A date (2026-11-03, a UTC day as the usage API counts them) or a date-time, as the value of a datetime-local input
 * (local time, to the minute); '' when it can't be read.
 */
export function toLocalInput(value: string | null): string {
  if (!value) return '';
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** A datetime-local input's value (local time) as an ISO instant; '' stays ''. */
export function fromLocalInput(value: string): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

interface CustomRangeFieldsProps {
  /** Makes the inputs' ids unique on the page ("logs" → logs-from, logs-to). */
  idPrefix: string;
  from: string | null;
  to: string | null;
  onChange: (changes: { from?: string; to?: string }) => void;
}

export function CustomRangeFields({ idPrefix, from, to, onChange }: CustomRangeFieldsProps) {
  return (
    <div className="custom-range">
      <div className="field">
        <label htmlFor={`${idPrefix}-from`}>From</label>
        <input
          id={`${idPrefix}-from`}
          type="datetime-local"
          value={toLocalInput(from)}
          onChange={(event) => onChange({ from: fromLocalInput(event.target.value) })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-to`}>To</label>
        <input
          id={`${idPrefix}-to`}
          type="datetime-local"
          value={toLocalInput(to)}
          onChange={(event) => onChange({ to: fromLocalInput(event.target.value) })}
        />
      </div>
    </div>
  );
}
