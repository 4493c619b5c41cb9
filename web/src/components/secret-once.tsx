// A secret shown once, right after it was made: the value, a Copy button (focused, so Enter copies), and a
// warning it won't come back.
import { useEffect, useRef } from 'react';
import { CopyButton } from './copy-button';

export function SecretOnce({ secret, label }: { secret: string; label: string }) {
  const copyButton = useRef<HTMLButtonElement>(null);
  useEffect(() => copyButton.current?.focus(), []);
  return (
    <div className="secret-once">
      <p className="warning" role="note">
        Copy this {label} now. It will not be shown again: Shuttle keeps only a hash of it.
      </p>
      <div className="secret-row">
        <code className="secret">{secret}</code>
        <CopyButton ref={copyButton} value={secret} />
      </div>
    </div>
  );
}
