// Headers as name/value rows. Values are write-only: the API never answers them, so stored headers are shown by
// name as "set", kept as they are unless the person chooses to replace them all.
import { useId } from 'react';

export interface HeaderRow {
  name: string;
  value: string;
}

/** The rows as the API takes them: empty rows left out. */
export function headersOf(rows: HeaderRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((row) => row.name.trim() !== '').map((row) => [row.name.trim(), row.value]));
}

interface HeaderRowsProps {
  rows: HeaderRow[];
  onChange: (rows: HeaderRow[]) => void;
  /** The names stored now (when editing): shown as set, never their values. */
  stored?: string[];
  /** When editing: whether the rows replace the stored headers (else they are kept and the rows are hidden). */
  replacing?: boolean;
  onReplacingChange?: (replacing: boolean) => void;
}

export function HeaderRows({ rows, onChange, stored, replacing = true, onReplacingChange }: HeaderRowsProps) {
  const id = useId();
  const set = (index: number, patch: Partial<HeaderRow>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className="header-rows">
      <legend>Headers</legend>
      {stored !== undefined ? (
        <div className="stack tight">
          {stored.length === 0 ? (
            <p className="muted small">No headers stored.</p>
          ) : (
            <ul className="stored-headers" aria-label="Stored headers">
              {stored.map((name) => (
                <li key={name}>
                  <code>{name}</code> <span className="badge success">set</span>
                </li>
              ))}
            </ul>
          )}
          <label className="check">
            <input type="checkbox" checked={replacing} onChange={(event) => onReplacingChange?.(event.target.checked)} />
            Replace the stored headers
          </label>
        </div>
      ) : null}
      {replacing ? (
        <>
          <p className="hint">Sent with every call. Values are stored encrypted and never shown again.</p>
          {rows.map((row, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
            <div className="header-row" key={index}>
              <label className="visually-hidden" htmlFor={`${id}-name-${index}`}>
                Header {index + 1} name
              </label>
              <input
                id={`${id}-name-${index}`}
                placeholder="Authorization"
                maxLength={128}
                value={row.name}
                onChange={(event) => set(index, { name: event.target.value })}
              />
              <label className="visually-hidden" htmlFor={`${id}-value-${index}`}>
                Header {index + 1} value
              </label>
              <input
                id={`${id}-value-${index}`}
                type="password"
                autoComplete="off"
                placeholder="Bearer …"
                value={row.value}
                onChange={(event) => set(index, { value: event.target.value })}
              />
              <button
                type="button"
                className="button small ghost"
                aria-label={`Remove header ${index + 1}`}
                onClick={() => onChange(rows.filter((_, i) => i !== index))}
              >
                Remove
              </button>
            </div>
          ))}
          <div>
            <button type="button" className="button small" onClick={() => onChange([...rows, { name: '', value: '' }])}>
              Add header
            </button>
          </div>
        </>
      ) : null}
    </fieldset>
  );
}
