// "Suspend" and "Resume": a confirmation that says what switching a tenant off (or on again) does.
import { useChangeTenant } from '../../api/operators';
import type { OperatedTenant } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useToast } from '../../components/toaster';

export function SuspendTenantDialog({ tenant, onClose }: { tenant: OperatedTenant | null; onClose: () => void }) {
  const change = useChangeTenant();
  const notify = useToast();
  const resuming = tenant?.suspended ?? false;
  const close = () => {
    change.reset();
    onClose();
  };
  return (
    <ConfirmDialog
      open={tenant !== null}
      onOpenChange={(open) => (open ? undefined : close())}
      title={`${resuming ? 'Resume' : 'Suspend'} "${tenant?.name ?? ''}"?`}
      description={
        resuming
          ? 'Its keys and people work again at once, as they did before it was suspended.'
          : 'At once, every call with one of its keys and every call of its people acting in it is refused (423 tenant_suspended). They can still log in, and are told it is suspended. Nothing is deleted: Resume restores it as it was.'
      }
      confirmLabel={resuming ? 'Resume' : 'Suspend'}
      destructive={!resuming}
      pending={change.isPending}
      error={change.error}
      onConfirm={() =>
        tenant &&
        change.mutate(
          { id: tenant.id, suspended: !resuming },
          {
            onSuccess: () => {
              notify(`${tenant.name} ${resuming ? 'resumed' : 'suspended'}`);
              close();
            },
          },
        )
      }
    />
  );
}
