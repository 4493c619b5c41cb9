// 24 hours / 7 days / 30 days, as a group of toggle buttons.
import { RANGES, type RangeName } from './time-range';

export function RangePicker({ value, onChange }: { value: RangeName; onChange: (range: RangeName) => void }) {
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">Time range</legend>
      {RANGES.map((range) => (
        <button key={range.name} type="button" aria-pressed={value === range.name} onClick={() => onChange(range.name)}>
          {range.label}
        </button>
      ))}
    </fieldset>
  );
}
