// "Create sub-key": a name and an environment, then the new key, shown once.
import { type FormEvent, useState } from 'react';
import { useCreateKey } from '../../api/keys';
import { useEnvironments } from '../../api/settings';
import { Dialog, DialogClose } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { SecretOnce } from '../../components/secret-once';

export function CreateKeyDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const create = useCreateKey();
  const environments = useEnvironments();
  const [name, setName] = useState('');
  const [environment, setEnvironment] = useState('production');

  const change = (next: boolean) => {
    if (!next) {
      create.reset();
      setName('');
      setEnvironment('production');
    }
    onOpenChange(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // No toast here: the dialog itself says the key was created, and a toast would take the dialog's Escape key.
    create.mutate({ name: name.trim(), environment });
  };
  const names = environments.data?.data.map((env) => env.name) ?? ['production', 'development'];

  return (
    <Dialog
      open={open}
      onOpenChange={change}
      title={create.data ? `Sub-key "${create.data.name}" created` : 'Create sub-key'}
      description={create.data ? undefined : 'Give it a name that says where it is used.'}
    >
      {create.data ? (
        <>
          <SecretOnce secret={create.data.key} label="key" />
          <div className="dialog-actions">
            <DialogClose>
              <button type="button" className="button primary">
                Done
              </button>
            </DialogClose>
          </div>
        </>
      ) : (
        <form onSubmit={submit} className="stack">
          <div className="field">
            <label htmlFor="create-key-name">Name</label>
            <input
              id="create-key-name"
              required
              maxLength={64}
              placeholder="Production Server"
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="create-key-environment">Environment</label>
            <select id="create-key-environment" value={environment} onChange={(event) => setEnvironment(event.target.value)}>
              {names.map((env) => (
                <option key={env} value={env}>
                  {env}
                </option>
              ))}
            </select>
            <p className="hint">Requests with this key use this environment's routing rules and providers.</p>
          </div>
          <ErrorMessage error={create.error} fields={{ name: 'Name', environment: 'Environment' }} />
          <div className="dialog-actions">
            <DialogClose>
              <button type="button" className="button">
                Cancel
              </button>
            </DialogClose>
            <button type="submit" className="button primary" disabled={create.isPending} aria-busy={create.isPending}>
              Create
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
