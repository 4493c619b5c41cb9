// A text filter that applies as you type, a moment after you stop, and follows its value when it changes from
// elsewhere (a chip removed, the browser's Back button).
import { type InputHTMLAttributes, useEffect, useState } from 'react';

interface DebouncedInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'defaultValue'> {
  value: string;
  onCommit: (value: string) => void;
  delayMs?: number;
}

export function DebouncedInput({ value, onCommit, delayMs = 300, ...input }: DebouncedInputProps) {
  const [text, setText] = useState(value);
  // The last value applied or seen from outside: a new one from outside replaces what is typed.
  const [known, setKnown] = useState(value);
  if (value !== known) {
    setKnown(value);
    setText(value);
  }
  useEffect(() => {
    const trimmed = text.trim();
    if (trimmed === known) return;
    const timer = setTimeout(() => {
      setKnown(trimmed);
      onCommit(trimmed);
    }, delayMs);
    return () => clearTimeout(timer);
  }, [text, known, onCommit, delayMs]);
  return <input {...input} value={text} onChange={(event) => setText(event.target.value)} />;
}
