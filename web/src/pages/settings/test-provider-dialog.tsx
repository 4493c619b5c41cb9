// Test a connection: a one-token completion with a model the person names; the provider's own error when it fails.
import { type FormEvent, useState } from 'react';
import { useTestProvider } from '../../api/settings';
import type { ProviderConnection } from '../../api/types';
import { Dialog, DialogClose } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { formatMs } from '../../format/format';

export function TestProviderDialog({ connection, onClose }: { connection: ProviderConnection | null; onClose: () => void }) {
  const test = useTestProvider();
  const [model, setModel] = useState('gpt-4o-mini');
  const close = () => {
    test.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (connection?.id) test.mutate({ id: connection.id, model: model.trim() });
  };
  const result = test.data;
  return (
    <Dialog open={connection !== null} onOpenChange={(open) => (open ? undefined : close())} title={`Test ${connection?.name ?? ''}`}>
      <form onSubmit={submit} className="stack">
        <div className="field">
          <label htmlFor="test-model">Model</label>
          <input id="test-model" required value={model} onChange={(event) => setModel(event.target.value)} />
          <p className="hint">Sends a one-token completion; it is not metered.</p>
        </div>
        <ErrorMessage error={test.error} />
        {result ? (
          result.ok ? (
            <p className="notice" role="status">
              Connected: {result.model ?? model} answered in {formatMs(result.latencyMs)}.
            </p>
          ) : (
            <div className="error-message" role="alert">
              Failed ({result.error?.status}): {result.error?.message}
            </div>
          )
        ) : null}
        <div className="dialog-actions">
          <DialogClose>
            <button type="button" className="button">
              Close
            </button>
          </DialogClose>
          <button type="submit" className="button primary" disabled={test.isPending} aria-busy={test.isPending}>
            Test connection
          </button>
        </div>
      </form>
    </Dialog>
  );
}
