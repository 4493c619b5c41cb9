// A page that could not load — its code (a deploy renamed the files, the server is down) or its data — says so
// inside the app shell, with "Reload", instead of a blank page or endless placeholders.
import { Component, type ReactNode } from 'react';
import { errorMessage } from '../api/api-error';

interface PageErrorProps {
  error: unknown;
  /** What "Reload" does: ask the data again; by default the whole page is loaded afresh. */
  onReload?: () => void;
}

export function PageError({ error, onReload }: PageErrorProps) {
  return (
    <section className="card page-error" role="alert" aria-labelledby="page-error-title">
      <h2 id="page-error-title">This page could not load</h2>
      <p>{errorMessage(error)}</p>
      <button type="button" className="button primary" onClick={onReload ?? (() => window.location.reload())}>
        Reload
      </button>
    </section>
  );
}

interface BoundaryProps {
  children: ReactNode;
  /** The address: going elsewhere clears the error (without remounting the page while there is none). */
  resetKey: string;
}

/** A lazily loaded chunk that fails to load throws while rendering: this catches it (and any other render error). */
export class PageErrorBoundary extends Component<BoundaryProps, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidUpdate(previous: BoundaryProps): void {
    if (this.state.error !== null && previous.resetKey !== this.props.resetKey) this.setState({ error: null });
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    const chunk = this.state.error instanceof TypeError && /dynamically imported module|module script/i.test(this.state.error.message);
    return (
      <PageError
        error={chunk ? new Error('Its code could not be loaded: the server may be down or has been updated.') : this.state.error}
      />
    );
  }
}
