// "Detected parameters": the [[placeholders]] of the prompt being written, updated as it is typed, and anything
// bracketed like one that is not (so it will stay in the prompt as written).
import { detectParameters, notPlaceholdersIn } from './placeholders';

export function DetectedParameters({ fields }: { fields: Record<string, string> }) {
  const found = detectParameters(fields);
  const ignored = [...new Set(Object.values(fields).flatMap(notPlaceholdersIn))];
  return (
    <div className="detected" aria-live="polite">
      <h3 id="detected-parameters-title">Detected parameters</h3>
      <ul aria-labelledby="detected-parameters-title" className="parameter-list">
        {found.map((parameter) => (
          <li key={parameter.name}>
            <code>{parameter.name}</code> <span className="muted small">in {parameter.fields.join(' and ').toLowerCase()}</span>
          </li>
        ))}
      </ul>
      {found.length === 0 ? <p className="hint">None yet. A run will need a value for each one.</p> : null}
      {ignored.length > 0 ? (
        <p className="hint">
          Not parameters (names are lower-case snake_case):{' '}
          {ignored.map((name, index) => (
            <span key={name}>
              {index > 0 ? ', ' : null}
              <code>[[{name}]]</code>
            </span>
          ))}
        </p>
      ) : null}
    </div>
  );
}
