// The sub-keys: a table with rename and delete per row, and "Create sub-key" until the limit is reached.
import { useState } from 'react';
import { useKeySpendThisMonth } from '../../api/keys';
import type { ApiKey } from '../../api/types';
import { CopyButton } from '../../components/copy-button';
import { EmptyState } from '../../components/empty-state';
import { MaskedKey } from '../../components/masked-key';
import { formatDate, formatRelative, formatUsd } from '../../format/format';
import { CreateKeyDialog } from './create-key-dialog';
import { DeleteKeyDialog } from './delete-key-dialog';
import { RenameKeyDialog } from './rename-key-dialog';

type Editing = { kind: 'rename' | 'delete'; key: ApiKey } | null;

/** `maxSubKeys` is the server's own limit (SHUTTLE_MAX_SUB_KEYS), from the key list. */
export function SubKeys({ keys, maxSubKeys, canManage }: { keys: ApiKey[]; maxSubKeys: number; canManage: boolean }) {
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Editing>(null);
  const full = keys.length >= maxSubKeys;
  const spend = useKeySpendThisMonth();

  return (
    <section className="card" aria-labelledby="sub-keys-title">
      <div className="card-header">
        <div>
          <h2 id="sub-keys-title">Sub-keys</h2>
          <p className="muted" id="sub-keys-count">
            {full
              ? `You have ${keys.length} sub-keys, the most a tenant can have. Delete one you no longer use to create another.`
              : `${keys.length} of ${maxSubKeys} sub-keys in use.`}
          </p>
        </div>
        {canManage ? (
          <button
            type="button"
            className="button primary"
            disabled={full}
            aria-describedby="sub-keys-count"
            onClick={() => setCreating(true)}
          >
            Create sub-key
          </button>
        ) : null}
      </div>
      {keys.length === 0 ? (
        <EmptyState title="No sub-keys yet">
          {canManage
            ? 'Create one for each app or environment, e.g. "Production Server", so each can be revoked on its own.'
            : 'An owner or admin can create sub-keys for each app or environment.'}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="card-rows">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Environment</th>
                <th scope="col">Spend this month</th>
                <th scope="col">Last used</th>
                {canManage ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id}>
                  <th scope="row">
                    {key.name}
                    <span className="muted small key-created">Created {formatDate(key.createdAt)}</span>
                  </th>
                  <td data-label="Key">
                    <MaskedKey maskedKey={key.maskedKey} />
                    <span className="id-with-copy">
                      <code>{key.id}</code>
                      <CopyButton value={key.id} label={`Copy the ID of ${key.name}`} small />
                    </span>
                  </td>
                  <td data-label="Environment">
                    <span className="badge">{key.environment}</span>
                  </td>
                  <td data-label="Spend this month" className="number">
                    {spend.isPending ? <span className="muted">…</span> : formatUsd(spend.spend.get(key.id) ?? 0)}
                  </td>
                  <td data-label="Last used">{formatRelative(key.lastUsedAt)}</td>
                  {canManage ? (
                    <td className="row-actions">
                      <button
                        type="button"
                        className="button small"
                        aria-label={`Rename ${key.name}`}
                        onClick={() => setEditing({ kind: 'rename', key })}
                      >
                        Rename
                      </button>
                      <button
                        type="button"
                        className="button small danger-text"
                        aria-label={`Delete ${key.name}`}
                        onClick={() => setEditing({ kind: 'delete', key })}
                      >
                        Delete
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canManage ? (
        <>
          <CreateKeyDialog open={creating} onOpenChange={setCreating} />
          <RenameKeyDialog apiKey={editing?.kind === 'rename' ? editing.key : null} onClose={() => setEditing(null)} />
          <DeleteKeyDialog apiKey={editing?.kind === 'delete' ? editing.key : null} onClose={() => setEditing(null)} />
        </>
      ) : null}
    </section>
  );
}
