// One table for a list the API answers: its error, a placeholder while it loads, what to show when it is empty,
// and a column of per-row actions for those who may act — the same everywhere, so every list behaves alike.
import type { ReactNode } from 'react';
import { ErrorMessage } from './error-message';
import { SkeletonRows } from './skeleton';

export interface Column<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
  /** The cell that names the row for screen readers (`<th scope="row">`); one per table. */
  rowHeader?: boolean;
  className?: string;
}

interface ResourceTableProps<Row> {
  rows: readonly Row[] | undefined;
  rowKey: (row: Row) => string;
  columns: ReadonlyArray<Column<Row>>;
  pending: boolean;
  /** What the list (or a change made from it) failed with. */
  error: unknown;
  /** The loading placeholder's accessible name, e.g. "Loading providers". */
  loadingLabel: string;
  loadingRows?: number;
  /** Shown instead of the table when there are no rows; without it an empty table is shown. */
  empty?: ReactNode;
  /** The row's buttons; the column is there only when given (i.e. for those who may act). */
  actions?: ((row: Row) => ReactNode) | undefined;
  /** Names the table's scrolling area and makes it a Tab stop, so a wide table can be scrolled with the keyboard. */
  scrollLabel?: string;
  /** The table's accessible name, when the heading above it does not say which list it is. */
  label?: string;
}

export function ResourceTable<Row>(props: ResourceTableProps<Row>) {
  const { rows = [], rowKey, columns, actions } = props;
  let body: ReactNode;
  if (props.pending) body = <SkeletonRows rows={props.loadingRows ?? 3} label={props.loadingLabel} />;
  else if (rows.length === 0 && props.empty !== undefined) body = props.empty;
  else {
    body = (
      <div className="table-wrap" {...(props.scrollLabel ? { role: 'region', 'aria-label': props.scrollLabel, tabIndex: 0 } : {})}>
        <table {...(props.label ? { 'aria-label': props.label } : {})}>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column.header} scope="col">
                  {column.header}
                </th>
              ))}
              {actions ? (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((column) =>
                  column.rowHeader ? (
                    <th key={column.header} scope="row" className={column.className}>
                      {column.cell(row)}
                    </th>
                  ) : (
                    <td key={column.header} className={column.className}>
                      {column.cell(row)}
                    </td>
                  ),
                )}
                {actions ? <td className="row-actions">{actions(row)}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  return (
    <>
      <ErrorMessage error={props.error} />
      {body}
    </>
  );
}
