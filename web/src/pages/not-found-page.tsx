// A dashboard path that names no page.
import { Link } from 'react-router';
import { EmptyState } from '../components/empty-state';

export function NotFoundPage() {
  return (
    <EmptyState
      title="There is no page here"
      action={
        <Link className="button primary" to="/">
          Go to the overview
        </Link>
      }
    >
      The link may be old, or mistyped.
    </EmptyState>
  );
}
