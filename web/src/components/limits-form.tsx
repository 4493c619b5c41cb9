// Cost limits (USD per day, month, all time), rate limits (requests and tokens per minute) and requests in flight at
// once; empty = no limit.
import { type FormEvent, useEffect, useState } from 'react';
import type { Limits } from '../api/types';
import { ErrorMessage } from './error-message';

interface LimitsFormProps {
  limits: Limits;
  onSave: (limits: Limits) => void;
  pending: boolean;
  error: unknown;
  readOnly?: boolean;
  idPrefix: string;
}

const FIELDS = [
  { name: 'day', label: 'Cost per day (USD)', money: true },
  { name: 'month', label: 'Cost per month (USD)', money: true },
  { name: 'total', label: 'Total cost (USD)', money: true },
  { name: 'requestsPerMinute', label: 'Requests per minute', money: false },
  { name: 'tokensPerMinute', label: 'Tokens per minute', money: false },
  { name: 'concurrentRequests', label: 'Requests at once', money: false },
] as const;

/** The API's limit parameters → their fields' labels, for ErrorMessage. */
export const LIMIT_FIELDS = Object.fromEntries(FIELDS.map((field) => [field.money ? `costUsd.${field.name}` : field.name, field.label]));

type FieldName = (typeof FIELDS)[number]['name'];
/** The limit fields as typed: an empty field is no limit. */
export type LimitValues = Record<FieldName, string>;
type Values = LimitValues;

export function toValues(limits: Limits): Values {
  const text = (value: number | null) => (value === null ? '' : String(value));
  return {
    day: text(limits.costUsd.day),
    month: text(limits.costUsd.month),
    total: text(limits.costUsd.total),
    requestsPerMinute: text(limits.requestsPerMinute),
    tokensPerMinute: text(limits.tokensPerMinute),
    concurrentRequests: text(limits.concurrentRequests),
  };
}

export function toLimits(values: Values): Limits {
  const number = (value: string) => (value.trim() === '' ? null : Number(value));
  return {
    costUsd: { day: number(values.day), month: number(values.month), total: number(values.total) },
    requestsPerMinute: number(values.requestsPerMinute),
    tokensPerMinute: number(values.tokensPerMinute),
    concurrentRequests: number(values.concurrentRequests),
  };
}

export function LimitsForm({ limits, onSave, pending, error, readOnly = false, idPrefix }: LimitsFormProps) {
  const [values, setValues] = useState(() => toValues(limits));
  useEffect(() => setValues(toValues(limits)), [limits]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSave(toLimits(values));
  };
  return (
    <form onSubmit={submit}>
      <LimitFields values={values} onChange={setValues} readOnly={readOnly} idPrefix={idPrefix} />
      <p className="hint" style={{ marginTop: '0.6rem' }}>
        Leave a field empty for no limit. Cost limits answer 402 before a request could pass them; rate and concurrency limits answer 429.
      </p>
      <ErrorMessage error={error} fields={LIMIT_FIELDS} />
      {readOnly ? null : (
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={pending} aria-busy={pending}>
            Save limits
          </button>
        </div>
      )}
    </form>
  );
}

/** The five limit fields, for a form of its own or one that sets more (a plan). */
export function LimitFields(props: {
  values: LimitValues;
  onChange: (values: LimitValues) => void;
  readOnly?: boolean;
  idPrefix: string;
  /** Fields a form asks for elsewhere (a plan's own "Max concurrent requests"). */
  omit?: readonly string[];
}) {
  const { values, onChange, readOnly = false, idPrefix, omit = [] } = props;
  return (
    <div className="form-grid">
      {FIELDS.filter((field) => !omit.includes(field.name)).map((field) => (
        <div className="field" key={field.name}>
          <label htmlFor={`${idPrefix}-${field.name}`}>{field.label}</label>
          <input
            id={`${idPrefix}-${field.name}`}
            type="number"
            inputMode={field.money ? 'decimal' : 'numeric'}
            min={0}
            step={field.money ? 'any' : 1}
            placeholder="No limit"
            readOnly={readOnly}
            value={values[field.name]}
            onChange={(event) => onChange({ ...values, [field.name]: event.target.value })}
          />
        </div>
      ))}
    </div>
  );
}
