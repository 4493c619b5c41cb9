// Add a provider connection: a name, the adapter, the environment, an optional base URL and the API key.
import { type FormEvent, useState } from 'react';
import { useCreateProvider, useEnvironments } from '../../api/settings';
import type { NewProvider } from '../../api/types';
import { Dialog, DialogClose } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { useToast } from '../../components/toaster';
import { CONNECTION_NAME_PATTERN } from './name-patterns';

// Every adapter the API accepts, in the order offered: a provider added on the server fails this type-check until
// it is listed here.
const OFFERED = {
  openai: true,
  azure: true,
  anthropic: true,
  google: true,
  bedrock: true,
  mistral: true,
  groq: true,
  deepseek: true,
  together: true,
  openrouter: true,
  xai: true,
  fireworks: true,
  ollama: true,
  vllm: true,
} satisfies Record<NewProvider['type'], true>;
const TYPES = Object.keys(OFFERED) as Array<NewProvider['type']>;

export function AddProviderDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const create = useCreateProvider();
  const environments = useEnvironments();
  const notify = useToast();
  const [form, setForm] = useState({ name: '', type: 'openai' as NewProvider['type'], environment: 'production', baseUrl: '', apiKey: '' });
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value });

  const change = (next: boolean) => {
    if (!next) {
      create.reset();
      setForm({ name: '', type: 'openai', environment: 'production', baseUrl: '', apiKey: '' });
    }
    onOpenChange(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        name: form.name.trim(),
        type: form.type,
        environment: form.environment,
        ...(form.baseUrl.trim() ? { baseUrl: form.baseUrl.trim() } : {}),
        ...(form.apiKey ? { apiKey: form.apiKey } : {}),
      },
      {
        onSuccess: (connection) => {
          notify(`Connection ${connection.name} added`);
          change(false);
        },
      },
    );
  };

  return (
    <Dialog open={open} onOpenChange={change} title="Add provider" description="The key is encrypted at rest and never shown again.">
      <form onSubmit={submit} className="stack">
        <div className="form-grid">
          <div className="field">
            <label htmlFor="provider-name">Connection name</label>
            <input
              id="provider-name"
              required
              pattern={CONNECTION_NAME_PATTERN}
              title="Lower-case letters, digits and dashes, e.g. backup-openai"
              placeholder="backup-openai"
              value={form.name}
              onChange={set('name')}
            />
          </div>
          <div className="field">
            <label htmlFor="provider-type">Provider</label>
            <select id="provider-type" value={form.type} onChange={set('type')}>
              {TYPES.map((type) => (
                <option key={type}>{type}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="provider-environment">Environment</label>
            <select id="provider-environment" value={form.environment} onChange={set('environment')}>
              {(environments.data?.data ?? [{ name: 'production' }, { name: 'development' }]).map((env) => (
                <option key={env.name}>{env.name}</option>
              ))}
            </select>
          </div>
        </div>
        <div className="field">
          <label htmlFor="provider-base-url">Base URL</label>
          <input
            id="provider-base-url"
            type="url"
            placeholder="The provider's public endpoint"
            value={form.baseUrl}
            onChange={set('baseUrl')}
          />
        </div>
        <div className="field">
          <label htmlFor="provider-api-key">API key</label>
          <input id="provider-api-key" type="password" autoComplete="off" value={form.apiKey} onChange={set('apiKey')} />
        </div>
        <ErrorMessage
          error={create.error}
          fields={{ name: 'Connection name', type: 'Provider', environment: 'Environment', baseUrl: 'Base URL', apiKey: 'API key' }}
        />
        <div className="dialog-actions">
          <DialogClose>
            <button type="button" className="button">
              Cancel
            </button>
          </DialogClose>
          <button type="submit" className="button primary" disabled={create.isPending}>
            Add provider
          </button>
        </div>
      </form>
    </Dialog>
  );
}
