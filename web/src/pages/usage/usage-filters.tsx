// The usage filters, kept in the page's URL so a view can be shared and survives a reload.
import type { ApiKey, GroupBy } from '../../api/types';
import { RANGES, type RangeName } from '../../usage/time-range';

const GROUP_LABELS: Record<GroupBy, string> = {
  none: 'Nothing',
  day: 'Day',
  hour: 'Hour',
  customer: 'Customer',
  model: 'Model',
  key: 'API key',
  provider: 'Provider',
};

/** The report answers its grouping as a string; one the dashboard has no label for is shown as it is. */
export function groupLabel(groupBy: string): string {
  return GROUP_LABELS[groupBy as GroupBy] ?? groupBy;
}

interface UsageFiltersProps {
  params: URLSearchParams;
  rangeName: RangeName;
  groupBy: GroupBy;
  keys: ApiKey[];
  onChange: (name: string, value: string) => void;
}

export function UsageFilters({ params, rangeName, groupBy, keys, onChange }: UsageFiltersProps) {
  const text = (name: string, label: string, placeholder: string) => (
    <div className="field">
      <label htmlFor={`usage-${name}`}>{label}</label>
      <input
        id={`usage-${name}`}
        type="search"
        placeholder={placeholder}
        defaultValue={params.get(name) ?? ''}
        onKeyDown={(event) => {
          if (event.key === 'Enter') onChange(name, event.currentTarget.value.trim());
        }}
        onBlur={(event) => onChange(name, event.currentTarget.value.trim())}
      />
    </div>
  );
  return (
    <section className="card" aria-label="Filters">
      <div className="filters">
        <div className="field">
          <label htmlFor="usage-range">Range</label>
          <select id="usage-range" value={rangeName} onChange={(event) => onChange('range', event.target.value)}>
            {RANGES.map((range) => (
              <option key={range.name} value={range.name}>
                Last {range.label}
              </option>
            ))}
          </select>
        </div>
        {text('customer', 'Customer', 'External id')}
        <div className="field">
          <label htmlFor="usage-key">API key</label>
          <select id="usage-key" value={params.get('key') ?? ''} onChange={(event) => onChange('key', event.target.value)}>
            <option value="">All keys</option>
            {keys.map((key) => (
              <option key={key.id} value={key.id}>
                {key.name}
              </option>
            ))}
          </select>
        </div>
        {text('model', 'Model', 'e.g. openai/gpt-4o-mini')}
        {text('provider', 'Provider', 'e.g. openai')}
        <div className="field">
          <label htmlFor="usage-status">Status</label>
          <select id="usage-status" value={params.get('status') ?? ''} onChange={(event) => onChange('status', event.target.value)}>
            <option value="">Any</option>
            <option value="success">Succeeded</option>
            <option value="error">Failed</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="usage-group">Group by</label>
          <select id="usage-group" value={groupBy} onChange={(event) => onChange('groupBy', event.target.value)}>
            {(['day', 'hour', 'customer', 'model', 'key', 'provider'] as const).map((group) => (
              <option key={group} value={group}>
                {GROUP_LABELS[group]}
              </option>
            ))}
          </select>
        </div>
      </div>
    </section>
  );
}
