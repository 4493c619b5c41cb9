// "Delete": revokes a sub-key at once, after a confirmation that says so.
import { useDeleteKey } from '../../api/keys';
import type { ApiKey } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useToast } from '../../components/toaster';

export function DeleteKeyDialog({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  const remove = useDeleteKey();
  const notify = useToast();
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <ConfirmDialog
      open={apiKey !== null}
      onOpenChange={(open) => (open ? undefined : close())}
      title={`Delete "${apiKey?.name ?? ''}"?`}
      description="The key is revoked at once: every request that uses it is refused from now on. This cannot be undone."
      confirmLabel="Delete"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() =>
        apiKey &&
        remove.mutate(apiKey.id, {
          onSuccess: () => {
            notify(`Sub-key "${apiKey.name}" deleted`);
            close();
          },
        })
      }
    />
  );
}
