// Copies a value to the clipboard and says so, in the button and to screen readers. (No toast: it would sit above
// an open dialog and take its Escape key.)
import { forwardRef, useState } from 'react';

interface CopyButtonProps {
  value: string;
  /** The accessible name, when "Copy" alone would be ambiguous on the page. */
  label?: string;
  /** The compact style of buttons inside table rows. */
  small?: boolean;
  /** What the button says before copying ("Copy as curl"); "Copy" by default. */
  text?: string;
}

export const CopyButton = forwardRef<HTMLButtonElement, CopyButtonProps>(function CopyButton(
  { value, label, text = 'Copy', small = false },
  ref,
) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
      setTimeout(() => setState('idle'), 2500);
    } catch {
      setState('failed');
    }
  };
  return (
    <>
      <button
        ref={ref}
        type="button"
        className={small ? 'button small' : 'button'}
        onClick={copy}
        {...(label ? { 'aria-label': label } : {})}
      >
        {state === 'copied' ? 'Copied' : text}
      </button>
      <span role="status" className="visually-hidden">
        {state === 'copied' ? 'Copied to the clipboard' : state === 'failed' ? 'Could not copy: select the text and copy it yourself' : ''}
      </span>
    </>
  );
});
