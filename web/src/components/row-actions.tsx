// The buttons at the end of a table row, each described by the row's name (aria-describedby): a screen reader says
// which row an "Edit" belongs to.

export interface RowAction {
  label: string;
  onClick: () => void;
  /** A destructive action, shown in the danger colour. */
  danger?: boolean;
}

export function RowActions({ describedBy, actions }: { describedBy: string; actions: readonly RowAction[] }) {
  return (
    <>
      {actions.map(({ label, onClick, danger }) => (
        <button
          key={label}
          type="button"
          className={danger ? 'button small danger-text' : 'button small'}
          aria-describedby={describedBy}
          onClick={onClick}
        >
          {label}
        </button>
      ))}
    </>
  );
}
