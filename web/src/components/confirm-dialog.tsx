// Confirmation before anything destructive (Radix AlertDialog): Cancel has the focus, the action names what it does.
import { AlertDialog } from 'radix-ui';
import type { ReactNode } from 'react';
import { ErrorMessage } from './error-message';
import { useRestoreFocus } from './restore-focus';

interface ConfirmDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  pending?: boolean;
  error?: unknown;
  destructive?: boolean;
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const { open, onOpenChange, title, description, confirmLabel, onConfirm, pending = false, error, destructive = true } = props;
  const restoreFocus = useRestoreFocus(open);
  return (
    <AlertDialog.Root open={open} onOpenChange={onOpenChange}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content className="dialog" onCloseAutoFocus={restoreFocus}>
          <AlertDialog.Title className="dialog-title">{title}</AlertDialog.Title>
          <AlertDialog.Description className="dialog-description" asChild>
            <div>{description}</div>
          </AlertDialog.Description>
          <ErrorMessage error={error} />
          <div className="dialog-actions">
            <AlertDialog.Cancel className="button">Cancel</AlertDialog.Cancel>
            <button
              type="button"
              className={destructive ? 'button danger' : 'button primary'}
              disabled={pending}
              aria-busy={pending}
              onClick={onConfirm}
            >
              {confirmLabel}
            </button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
