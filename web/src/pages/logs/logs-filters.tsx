// The Logs page's filters: a search of prompts and answers, a field per attribute, a time range (presets or a
// custom from/to), and the filters in force as chips that remove them.
import type { ApiKey, Environment } from '../../api/types';
import { DebouncedInput } from './debounced-input';
import {
  activeFilters,
  ENDPOINTS,
  FILTER_LABELS,
  type FilterName,
  fromLocalInput,
  type LogRange,
  PRESETS,
  rangeQuery,
  statusLabel,
  toLocalInput,
} from './log-filter';

interface LogsFiltersProps {
  params: URLSearchParams;
  range: LogRange;
  keys: ApiKey[];
  environments: Environment[];
  onChange: (changes: Record<string, string>) => void;
}

export function LogsFilters({ params, range, keys, environments, onChange }: LogsFiltersProps) {
  const value = (name: FilterName) => params.get(name) ?? '';
  const text = (name: FilterName, placeholder: string) => (
    <div className="field">
      <label htmlFor={`logs-${name}`}>{FILTER_LABELS[name]}</label>
      <DebouncedInput
        id={`logs-${name}`}
        type="search"
        placeholder={placeholder}
        value={value(name)}
        onCommit={(typed) => onChange({ [name]: typed })}
      />
    </div>
  );
  const select = (name: FilterName, anyLabel: string, options: Array<[string, string]>) => {
    const current = value(name);
    // A value from a link that the list doesn't offer (a key of another page, an HTTP status) is still shown.
    const offered = current === '' || options.some(([option]) => option === current) ? options : [...options, [current, current]];
    return (
      <div className="field">
        <label htmlFor={`logs-${name}`}>{FILTER_LABELS[name]}</label>
        <select id={`logs-${name}`} value={current} onChange={(event) => onChange({ [name]: event.target.value })}>
          <option value="">{anyLabel}</option>
          {offered.map(([option, label]) => (
            <option key={option} value={option}>
              {label}
            </option>
          ))}
        </select>
      </div>
    );
  };
  const statusOptions: Array<[string, string]> = ['success', 'error'].map((status) => [status, statusLabel(status)]);
  const current = params.get('status');
  if (current && !['success', 'error'].includes(current)) statusOptions.push([current, statusLabel(current)]);

  return (
    <section className="card" aria-label="Filters">
      <div className="field logs-search">
        <label htmlFor="logs-q">Search prompts and answers</label>
        <DebouncedInput
          id="logs-q"
          type="search"
          placeholder="Words from a prompt or an answer"
          maxLength={500}
          value={value('q')}
          onCommit={(typed) => onChange({ q: typed })}
        />
      </div>
      <div className="filters">
        {text('customer', 'External id')}
        {select(
          'key',
          'All keys',
          keys.map((key) => [key.id, key.name]),
        )}
        {text('model', 'e.g. openai/gpt-4o-mini')}
        {text('provider', 'e.g. openai')}
        {select('status', 'Any', statusOptions)}
        {select(
          'environment',
          'All environments',
          environments.map((environment) => [environment.name, environment.name]),
        )}
        {select(
          'endpoint',
          'All endpoints',
          ENDPOINTS.map((endpoint) => [endpoint, endpoint]),
        )}
      </div>
      <TimeRange range={range} onChange={onChange} />
    </section>
  );
}

function TimeRange({ range, onChange }: { range: LogRange; onChange: LogsFiltersProps['onChange'] }) {
  const custom = range.kind === 'custom';
  const choosePreset = (preset: string) => onChange({ range: preset, from: '', to: '' });
  return (
    <div className="logs-range">
      <fieldset className="segmented">
        <legend className="visually-hidden">Time range</legend>
        {PRESETS.map((preset) => (
          <button
            key={preset.name}
            type="button"
            aria-pressed={range.kind === 'preset' && range.preset === preset.name}
            onClick={() => choosePreset(preset.name)}
          >
            {preset.label}
          </button>
        ))}
        <button
          type="button"
          aria-pressed={custom}
          onClick={() => {
            // Start from the preset in force, so the list doesn't change until a date does.
            if (!custom) onChange({ range: '', ...rangeQuery(range, Date.now()) });
          }}
        >
          Custom range
        </button>
      </fieldset>
      {custom ? (
        <div className="logs-custom-range">
          <div className="field">
            <label htmlFor="logs-from">From</label>
            <input
              id="logs-from"
              type="datetime-local"
              value={toLocalInput(range.from)}
              onChange={(event) => onChange({ from: fromLocalInput(event.target.value) })}
            />
          </div>
          <div className="field">
            <label htmlFor="logs-to">To</label>
            <input
              id="logs-to"
              type="datetime-local"
              value={toLocalInput(range.to)}
              onChange={(event) => onChange({ to: fromLocalInput(event.target.value) })}
            />
          </div>
        </div>
      ) : null}
    </div>
  );
}

interface FilterChipsProps {
  params: URLSearchParams;
  keyNames: Map<string, string>;
  onChange: LogsFiltersProps['onChange'];
}

/** The filters in force, each a chip with a button that removes it, and "Clear filters". */
export function FilterChips({ params, keyNames, onChange }: FilterChipsProps) {
  const filters = activeFilters(params);
  if (filters.length === 0) return null;
  const shown = (name: FilterName, value: string) =>
    name === 'key' ? (keyNames.get(value) ?? value) : name === 'status' ? statusLabel(value) : name === 'q' ? `“${value}”` : value;
  return (
    <div className="chips">
      <ul aria-label="Active filters">
        {filters.map(([name, value]) => {
          const label = `${FILTER_LABELS[name]}: ${shown(name, value)}`;
          return (
            <li key={name} className="chip">
              <span>{label}</span>
              <button type="button" aria-label={`Remove filter ${label}`} onClick={() => onChange({ [name]: '' })}>
                <span aria-hidden="true">×</span>
              </button>
            </li>
          );
        })}
      </ul>
      <button
        type="button"
        className="button ghost small"
        onClick={() => onChange(Object.fromEntries(filters.map(([name]) => [name, ''])))}
      >
        Clear filters
      </button>
    </div>
  );
}
