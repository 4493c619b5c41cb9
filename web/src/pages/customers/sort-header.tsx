// A column header that sorts the table, saying which way it is sorted now.
import type { CustomerSort } from '../../api/customers';

interface SortHeaderProps {
  column: CustomerSort;
  label: string;
  sort: CustomerSort;
  order: 'asc' | 'desc';
  onSort: (column: CustomerSort) => void;
  numeric?: boolean;
}

export function SortHeader({ column, label, sort, order, onSort, numeric = false }: SortHeaderProps) {
  const active = column === sort;
  return (
    <th scope="col" className={numeric ? 'number' : undefined} aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="sort-button" onClick={() => onSort(column)}>
        {label}
        <span aria-hidden="true">{active ? (order === 'asc' ? ' ↑' : ' ↓') : ' ↕'}</span>
      </button>
    </th>
  );
}
