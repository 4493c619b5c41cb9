// The master key: masked, with "Regenerate" for those who may.
import { useState } from 'react';
import { useKeySpendThisMonth } from '../../api/keys';
import type { ApiKey } from '../../api/types';
import { CopyButton } from '../../components/copy-button';
import { MaskedKey } from '../../components/masked-key';
import { formatDate, formatRelative, formatUsd } from '../../format/format';
import { RegenerateDialog } from './regenerate-dialog';

export function MasterKeyCard({ masterKey, canManage }: { masterKey: ApiKey; canManage: boolean }) {
  const [open, setOpen] = useState(false);
  const spend = useKeySpendThisMonth();
  return (
    <section className="card" aria-labelledby="master-key-title">
      <div className="card-header">
        <div>
          <h2 id="master-key-title">Master key</h2>
          <p className="muted">Full access to this tenant's gateway and data API. Use sub-keys in your apps.</p>
        </div>
        {canManage ? (
          <button type="button" className="button" onClick={() => setOpen(true)}>
            Regenerate
          </button>
        ) : null}
      </div>
      <dl className="key-facts">
        <div className="key-fact-wide">
          <dt>Key</dt>
          <dd>
            <MaskedKey maskedKey={masterKey.maskedKey} />
            <span className="id-with-copy">
              <code>{masterKey.id}</code>
              <CopyButton value={masterKey.id} label="Copy the ID of the master key" small />
            </span>
          </dd>
        </div>
        <div>
          <dt>Environment</dt>
          <dd>{masterKey.environment}</dd>
        </div>
        <div>
          <dt>Spend this month</dt>
          <dd>{spend.isPending ? <span className="muted">…</span> : formatUsd(spend.spend.get(masterKey.id) ?? 0)}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatDate(masterKey.createdAt)}</dd>
        </div>
        <div>
          <dt>Last used</dt>
          <dd>{formatRelative(masterKey.lastUsedAt)}</dd>
        </div>
      </dl>
      {canManage ? <RegenerateDialog open={open} onOpenChange={setOpen} /> : null}
    </section>
  );
}
