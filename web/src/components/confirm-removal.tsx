// Confirmation before removing one item of a list: open while an item is picked, the removal's state shown, its error
// cleared when the dialog closes, and a notice once the item is gone.
import type { ReactNode } from 'react';
import { ConfirmDialog } from './confirm-dialog';
import { useToast } from './toaster';

interface ConfirmRemovalProps<T> {
  /** The item to remove: the dialog is open while there is one. */
  item: T | null;
  onClose: () => void;
  /** The removal's mutation: its pending state and error are shown, and it is reset when the dialog closes. */
  removal: { isPending: boolean; error: unknown; reset: () => void };
  title: string;
  description: ReactNode;
  confirmLabel?: string;
  /** Starts the removal; `done` says so in a notice and closes the dialog. */
  onConfirm: (item: T, done: (notice: string) => void) => void;
}

export function ConfirmRemoval<T>(props: ConfirmRemovalProps<T>) {
  const { item, onClose, removal, title, description, confirmLabel = 'Delete', onConfirm } = props;
  const notify = useToast();
  const done = (notice: string): void => {
    notify(notice);
    onClose();
  };
  return (
    <ConfirmDialog
      open={item !== null}
      onOpenChange={(open) => {
        if (!open) {
          onClose();
          removal.reset();
        }
      }}
      title={title}
      description={description}
      confirmLabel={confirmLabel}
      pending={removal.isPending}
      error={removal.error}
      onConfirm={() => {
        if (item !== null) onConfirm(item, done);
      }}
    />
  );
}
