// The usage filters, kept in the page's URL so a view can be shared and survives a reload. Text filters apply as you
// type; the filters in force show as chips that remove them.
import type { ApiKey, GroupBy } from '../../api/types';
import { CustomRangeFields } from '../../components/custom-range-fields';
import { DebouncedInput } from '../../components/debounced-input';
import { type FilterChip, FilterChips } from '../../components/filter-chips';
import { RANGES, type TimeRange } from '../../usage/time-range';
import { customFrom, type RangeChoice } from './usage-range';

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

export const FILTER_NAMES = ['customer', 'key', 'model', 'provider', 'status'] as const;
const FILTER_LABELS: Record<(typeof FILTER_NAMES)[number], string> = {
  customer: 'Customer',
  key: 'API key',
  model: 'Model',
  provider: 'Provider',
  status: 'Status',
};
const STATUS_LABELS: Record<string, string> = { success: 'Succeeded', error: 'Failed' };

type Changes = Record<string, string>;

interface UsageFiltersProps {
  params: URLSearchParams;
  choice: RangeChoice;
  range: TimeRange;
  groupBy: GroupBy;
  keys: ApiKey[];
  onChange: (changes: Changes) => void;
}

export function UsageFilters({ params, choice, range, groupBy, keys, onChange }: UsageFiltersProps) {
  const text = (name: 'customer' | 'model' | 'provider', placeholder: string) => (
    <div className="field">
      <label htmlFor={`usage-${name}`}>{FILTER_LABELS[name]}</label>
      <DebouncedInput
        id={`usage-${name}`}
        type="search"
        placeholder={placeholder}
        value={params.get(name) ?? ''}
        onCommit={(typed) => onChange({ [name]: typed })}
      />
    </div>
  );
  const chooseRange = (value: string) => onChange(value === 'custom' ? customFrom(range) : { range: value, from: '', to: '' });
  return (
    <section className="card" aria-label="Filters">
      <div className="filters">
        <div className="field">
          <label htmlFor="usage-range">Range</label>
          <select id="usage-range" value={choice} onChange={(event) => chooseRange(event.target.value)}>
            {RANGES.map((preset) => (
              <option key={preset.name} value={preset.name}>
                Last {preset.label}
              </option>
            ))}
            <option value="custom">Custom range</option>
          </select>
        </div>
        {text('customer', 'External id')}
        <div className="field">
          <label htmlFor="usage-key">API key</label>
          <select id="usage-key" value={params.get('key') ?? ''} onChange={(event) => onChange({ key: event.target.value })}>
            <option value="">All keys</option>
            {keys.map((key) => (
              <option key={key.id} value={key.id}>
                {key.name}
              </option>
            ))}
          </select>
        </div>
        {text('model', 'e.g. openai/gpt-4o-mini')}
        {text('provider', 'e.g. openai')}
        <div className="field">
          <label htmlFor="usage-status">Status</label>
          <select id="usage-status" value={params.get('status') ?? ''} onChange={(event) => onChange({ status: event.target.value })}>
            <option value="">Any</option>
            <option value="success">Succeeded</option>
            <option value="error">Failed</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="usage-group">Group by</label>
          <select id="usage-group" value={groupBy} onChange={(event) => onChange({ groupBy: event.target.value })}>
            {(['day', 'hour', 'customer', 'model', 'key', 'provider'] as const).map((group) => (
              <option key={group} value={group}>
                {GROUP_LABELS[group]}
              </option>
            ))}
          </select>
        </div>
      </div>
      {choice === 'custom' ? <CustomRangeFields idPrefix="usage" from={range.from} to={range.to} onChange={onChange} /> : null}
    </section>
  );
}

/** The filters of the URL in force, as chips; a key by its name, a status in words. */
export function UsageFilterChips({
  params,
  keyNames,
  onChange,
}: {
  params: URLSearchParams;
  keyNames: Map<string, string>;
  onChange: (changes: Changes) => void;
}) {
  const chips: FilterChip[] = FILTER_NAMES.flatMap((name) => {
    const value = params.get(name)?.trim();
    if (!value) return [];
    const shown = name === 'key' ? (keyNames.get(value) ?? value) : name === 'status' ? (STATUS_LABELS[value] ?? `HTTP ${value}`) : value;
    return [{ name, label: `${FILTER_LABELS[name]}: ${shown}` }];
  });
  return <FilterChips chips={chips} onChange={onChange} />;
}
