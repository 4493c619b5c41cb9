// Radix puts focus back on a Dialog.Trigger when a dialog closes; ours are opened from state (a row's "Rename",
// say), so remember what had focus when the dialog opened and return there, or to the page's main content.
import { useLayoutEffect, useRef } from 'react';

export function useRestoreFocus(open: boolean): (event: Event) => void {
  const opener = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    if (open && document.activeElement instanceof HTMLElement) opener.current = document.activeElement;
  }, [open]);
  return (event) => {
    event.preventDefault();
    const target = opener.current?.isConnected ? opener.current : document.getElementById('main');
    target?.focus();
  };
}
