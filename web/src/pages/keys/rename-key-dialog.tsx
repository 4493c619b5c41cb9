// "Rename": a dialog with the key's name.
import { useRenameKey } from '../../api/keys';
import type { ApiKey } from '../../api/types';
import { RenameDialog } from '../../components/rename-dialog';

export function RenameKeyDialog({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  return <RenameDialog item={apiKey} rename={useRenameKey()} inputId="rename-key-name" onClose={onClose} />;
}
