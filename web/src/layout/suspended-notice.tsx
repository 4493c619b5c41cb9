// Shown instead of a page of a suspended tenant: every call acting in it answers 423, so its pages could only fail.
import { useDocumentTitle } from '../components/document-title';
import { useRequiredSession } from '../session/use-session';

export function SuspendedNotice() {
  useDocumentTitle('Tenant suspended');
  const session = useRequiredSession();
  const current = session.tenants.find((tenant) => tenant.id === session.tenantId);
  const others = session.tenants.filter((tenant) => tenant.id !== session.tenantId && !tenant.suspended);
  return (
    <section className="card page-error" role="alert" aria-labelledby="suspended-title">
      <h1 id="suspended-title">{current?.name ?? 'This tenant'} is suspended</h1>
      <p>
        The operators of this Shuttle server have suspended this tenant: its API keys and its people's calls are refused until they resume
        it. Nothing has been deleted. Ask whoever runs this Shuttle server for your team to resume it.
      </p>
      {others.length > 0 ? <p>You can go on working in your other tenants: choose one with the tenant menu at the top.</p> : null}
    </section>
  );
}
