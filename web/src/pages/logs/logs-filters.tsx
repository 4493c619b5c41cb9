// The Logs page's filters: a search of prompts and answers, a field per attribute, a time range (presets or a
// custom from/to), and the filters in force as chips that remove them.
import type { ApiKey, Environment } from '../../api/types';
import { CustomRangeFields } from '../../components/custom-range-fields';
import { DebouncedInput } from '../../components/debounced-input';
import { type FilterChip, FilterChips } from '../../components/filter-chips';
import { activeFilters, ENDPOINTS, FILTER_LABELS, type FilterName, type LogRange, PRESETS, rangeQuery, statusLabel } from './log-filter';

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
      {custom ? <CustomRangeFields idPrefix="logs" from={range.from} to={range.to} onChange={(changes) => onChange(changes)} /> : null}
    </div>
  );
}

interface LogFilterChipsProps {
  params: URLSearchParams;
  keyNames: Map<string, string>;
  onChange: LogsFiltersProps['onChange'];
}

/** The filters in force as chips that remove them. */
export function LogFilterChips({ params, keyNames, onChange }: LogFilterChipsProps) {
  const shown = (name: FilterName, value: string) =>
    name === 'key' ? (keyNames.get(value) ?? value) : name === 'status' ? statusLabel(value) : name === 'q' ? `“${value}”` : value;
  const chips: FilterChip[] = activeFilters(params).map(([name, value]) => ({
    name,
    label: `${FILTER_LABELS[name]}: ${shown(name, value)}`,
  }));
  return <FilterChips chips={chips} onChange={onChange} />;
}
