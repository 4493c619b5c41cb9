// The filters in force, each a chip with a button that removes it, and "Clear filters" to remove them all.
export interface FilterChip {
  /** The URL parameter the filter lives in. */
  name: string;
  /** What the chip reads, e.g. "Customer: alice". */
  label: string;
}

interface FilterChipsProps {
  chips: FilterChip[];
  /** Called with the parameters to set; '' removes one. */
  onChange: (changes: Record<string, string>) => void;
}

export function FilterChips({ chips, onChange }: FilterChipsProps) {
  if (chips.length === 0) return null;
  return (
    <div className="chips">
      <ul aria-label="Active filters">
        {chips.map((chip) => (
          <li key={chip.name} className="chip">
            <span>{chip.label}</span>
            <button type="button" aria-label={`Remove filter ${chip.label}`} onClick={() => onChange({ [chip.name]: '' })}>
              <span aria-hidden="true">×</span>
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="button ghost small"
        onClick={() => onChange(Object.fromEntries(chips.map((chip) => [chip.name, ''])))}
      >
        Clear filters
      </button>
    </div>
  );
}
