// A modal dialog (Radix): focus trapped inside, Escape closes, focus returns to what opened it.
import { Dialog as RadixDialog } from 'radix-ui';
import type { ReactNode } from 'react';
import { useRestoreFocus } from './restore-focus';

interface DialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  /** For forms with rows of fields. */
  wide?: boolean;
  /** A full-height panel at the side (the whole screen on a phone), for long reading such as a logged request. */
  panel?: boolean;
}

export function Dialog({ open, onOpenChange, title, description, children, wide = false, panel = false }: DialogProps) {
  const restoreFocus = useRestoreFocus(open);
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="dialog-overlay" />
        <RadixDialog.Content
          className={panel ? 'dialog panel' : wide ? 'dialog wide' : 'dialog'}
          onCloseAutoFocus={restoreFocus}
          {...(description ? {} : { 'aria-describedby': undefined })}
        >
          <RadixDialog.Title className="dialog-title">{title}</RadixDialog.Title>
          {description ? <RadixDialog.Description className="dialog-description">{description}</RadixDialog.Description> : null}
          {children}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

export function DialogClose({ children }: { children: ReactNode }) {
  return <RadixDialog.Close asChild>{children}</RadixDialog.Close>;
}
