// "Delete": revokes a sub-key at once, after a confirmation that says so.
import { useDeleteKey } from '../../api/keys';
import type { ApiKey } from '../../api/types';
import { ConfirmRemoval } from '../../components/confirm-removal';

export function DeleteKeyDialog({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  const remove = useDeleteKey();
  return (
    <ConfirmRemoval
      item={apiKey}
      onClose={onClose}
      removal={remove}
      title={`Delete "${apiKey?.name ?? ''}"?`}
      description="The key is revoked at once: every request that uses it is refused from now on. This cannot be undone."
      onConfirm={(key, done) => remove.mutate(key.id, { onSuccess: () => done(`Sub-key "${key.name}" deleted`) })}
    />
  );
}
