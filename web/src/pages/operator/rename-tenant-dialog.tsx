// "Rename": a dialog with the tenant's name.
import { useChangeTenant } from '../../api/operators';
import type { OperatedTenant } from '../../api/types';
import { RenameDialog } from '../../components/rename-dialog';

export function RenameTenantDialog({ tenant, onClose }: { tenant: OperatedTenant | null; onClose: () => void }) {
  return <RenameDialog item={tenant} rename={useChangeTenant()} inputId="rename-tenant-name" onClose={onClose} />;
}
