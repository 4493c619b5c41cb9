// Regenerating the master key: a confirmation that says what happens, then the new key, shown once.
import { AlertDialog } from 'radix-ui';
import { useRegenerateMasterKey } from '../../api/keys';
import { ErrorMessage } from '../../components/error-message';
import { useRestoreFocus } from '../../components/restore-focus';
import { SecretOnce } from '../../components/secret-once';

export function RegenerateDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const restoreFocus = useRestoreFocus(open);
  const regenerate = useRegenerateMasterKey();
  const created = regenerate.data;
  const change = (next: boolean) => {
    if (!next) regenerate.reset();
    onOpenChange(next);
  };
  return (
    <AlertDialog.Root open={open} onOpenChange={change}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content className="dialog" onCloseAutoFocus={restoreFocus}>
          {created ? (
            <>
              <AlertDialog.Title className="dialog-title">Your new master key</AlertDialog.Title>
              <AlertDialog.Description className="dialog-description">
                The old master key no longer works. Update every place that used it.
              </AlertDialog.Description>
              <SecretOnce secret={created.key} label="master key" />
              <div className="dialog-actions">
                <AlertDialog.Cancel className="button primary">Done</AlertDialog.Cancel>
              </div>
            </>
          ) : (
            <>
              <AlertDialog.Title className="dialog-title">Regenerate the master key?</AlertDialog.Title>
              <AlertDialog.Description className="dialog-description">
                The old master key stops working at once, on every instance. Apps that use it will get 401 errors until you give them the
                new key.
              </AlertDialog.Description>
              <ErrorMessage error={regenerate.error} />
              <div className="dialog-actions">
                <AlertDialog.Cancel className="button">Cancel</AlertDialog.Cancel>
                <button
                  type="button"
                  className="button danger"
                  disabled={regenerate.isPending}
                  aria-busy={regenerate.isPending}
                  onClick={() => regenerate.mutate()}
                >
                  Regenerate
                </button>
              </div>
            </>
          )}
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
