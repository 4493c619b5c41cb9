// "Delete": deletes a tenant and all it owns. While it has a working key the API refuses (409 tenant_has_live_keys),
// and the confirmation then offers to delete it anyway (?force=true).
import { ApiError } from '../../api/api-error';
import { useDeleteTenant } from '../../api/operators';
import type { OperatedTenant } from '../../api/types';
import { ConfirmRemoval } from '../../components/confirm-removal';

export function DeleteTenantDialog({ tenant, onClose }: { tenant: OperatedTenant | null; onClose: () => void }) {
  const remove = useDeleteTenant();
  const hasLiveKeys = remove.error instanceof ApiError && remove.error.code === 'tenant_has_live_keys';
  return (
    <ConfirmRemoval
      item={tenant}
      onClose={onClose}
      removal={remove}
      title={`Delete "${tenant?.name ?? ''}"?`}
      description={
        hasLiveKeys
          ? 'It still has working API keys: something may still be calling with them. "Delete anyway" deletes it, and its keys stop working at once.'
          : 'The tenant and everything it owns go: its keys, its people’s membership, its usage, runs and audit log. This cannot be undone. A tenant with working API keys is deleted only if you confirm again.'
      }
      confirmLabel={hasLiveKeys ? 'Delete anyway' : 'Delete'}
      onConfirm={(doomed, done) =>
        remove.mutate({ id: doomed.id, force: hasLiveKeys }, { onSuccess: () => done(`${doomed.name} deleted`) })
      }
    />
  );
}
