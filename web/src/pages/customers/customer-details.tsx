// A customer's name, email and metadata (any JSON object), editable by owners and admins.
import { type FormEvent, useEffect, useState } from 'react';
import { useUpdateCustomer } from '../../api/customers';
import type { Customer } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { useToast } from '../../components/toaster';

export function CustomerDetails({ customer, canEdit }: { customer: Customer; canEdit: boolean }) {
  const update = useUpdateCustomer(customer.externalId);
  const notify = useToast();
  const [name, setName] = useState(customer.name ?? '');
  const [email, setEmail] = useState(customer.email ?? '');
  const [metadata, setMetadata] = useState(JSON.stringify(customer.metadata, null, 2));
  const [invalid, setInvalid] = useState<string | null>(null);
  useEffect(() => {
    setName(customer.name ?? '');
    setEmail(customer.email ?? '');
    setMetadata(JSON.stringify(customer.metadata, null, 2));
  }, [customer]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(metadata || '{}');
    } catch {
      setInvalid('Metadata must be valid JSON, e.g. {"plan": "pro"}.');
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      setInvalid('Metadata must be a JSON object, e.g. {"plan": "pro"}.');
      return;
    }
    setInvalid(null);
    update.mutate(
      { name: name.trim() || null, email: email.trim() || null, metadata: parsed as Record<string, unknown> },
      { onSuccess: () => notify('Customer saved') },
    );
  };

  return (
    <section className="card" aria-labelledby="customer-details-title">
      <h2 id="customer-details-title">Details and metadata</h2>
      <form onSubmit={submit} className="stack">
        <div className="form-grid">
          <div className="field">
            <label htmlFor="customer-name">Name</label>
            <input id="customer-name" readOnly={!canEdit} value={name} onChange={(event) => setName(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="customer-email">Email</label>
            <input id="customer-email" type="email" readOnly={!canEdit} value={email} onChange={(event) => setEmail(event.target.value)} />
          </div>
        </div>
        <div className="field">
          <label htmlFor="customer-metadata">Metadata (JSON)</label>
          <textarea
            id="customer-metadata"
            readOnly={!canEdit}
            spellCheck={false}
            value={metadata}
            onChange={(event) => setMetadata(event.target.value)}
          />
        </div>
        <ErrorMessage error={invalid ?? update.error} />
        {canEdit ? (
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={update.isPending} aria-busy={update.isPending}>
              Save details
            </button>
          </div>
        ) : null}
      </form>
    </section>
  );
}
