// An error as the API said it, announced to screen readers. Given the form's labels by API parameter, a validation
// error names the field as the form does ("Retry on statuses: must be a number.") instead of the JSON path.
import { ApiError, errorMessage } from '../api/api-error';

/** API parameter (a dotted path, or its tail: `costUsd.day`) → the label of the field that sets it. */
export type FieldLabels = Record<string, string>;

export function ErrorMessage({ error, title, fields }: { error: unknown; title?: string; fields?: FieldLabels }) {
  if (error === null || error === undefined) return null;
  return (
    <div className="error-message" role="alert">
      {title ? <strong>{title} </strong> : null}
      {fields ? fieldErrorMessage(error, fields) : errorMessage(error)}
    </div>
  );
}

const INVALID_VALUE = /^Invalid value for '[^']*'(?: in the [a-z ]+)?: (.+)$/;
const MISSING = /^Missing required parameter(?: in the [a-z ]+)?: '[^']*'\.$/;

export function fieldErrorMessage(error: unknown, fields: FieldLabels): string {
  const message = errorMessage(error);
  if (!(error instanceof ApiError) || error.param === null) return message;
  const label = labelFor(error.param, fields);
  if (label === undefined) return message;
  if (MISSING.test(message)) return `${label}: required.`;
  const detail = INVALID_VALUE.exec(message)?.[1];
  return detail === undefined ? `${label}: ${message}` : `${label}: ${detail}`;
}

/** The label of the longest parameter path found in `param` as whole segments (`retry.on` in `retry.on.1`). */
function labelFor(param: string, fields: FieldLabels): string | undefined {
  const segments = param.split('.');
  let best: { label: string; length: number } | undefined;
  for (const [path, label] of Object.entries(fields)) {
    const wanted = path.split('.');
    const found = segments.some((_, start) => wanted.every((segment, i) => segments[start + i] === segment));
    if (found && (best === undefined || wanted.length > best.length)) best = { label, length: wanted.length };
  }
  return best?.label;
}
