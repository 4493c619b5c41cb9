// Block or unblock a customer, or delete its record — each after a confirmation.
import { useState } from 'react';
import { useDeleteCustomer, useUpdateCustomer } from '../../api/customers';
import type { Customer } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useToast } from '../../components/toaster';

export function CustomerActions({ customer, onDeleted }: { customer: Customer; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState<'block' | 'delete' | null>(null);
  const update = useUpdateCustomer(customer.externalId);
  const remove = useDeleteCustomer(customer.externalId);
  const notify = useToast();
  const unblock = () => update.mutate({ blocked: false }, { onSuccess: () => notify(`${customer.externalId} unblocked`) });

  return (
    <>
      {customer.blocked ? (
        <button type="button" className="button" onClick={unblock} disabled={update.isPending}>
          Unblock
        </button>
      ) : (
        <button type="button" className="button" onClick={() => setConfirming('block')}>
          Block
        </button>
      )}
      <button type="button" className="button danger-text" onClick={() => setConfirming('delete')}>
        Delete
      </button>
      <ConfirmDialog
        open={confirming === 'block'}
        onOpenChange={(open) => setConfirming(open ? 'block' : null)}
        title={`Block ${customer.externalId}?`}
        description="Their requests are refused with 403 customer_blocked at once, on every instance, until you unblock them."
        confirmLabel="Block"
        pending={update.isPending}
        error={update.error}
        onConfirm={() =>
          update.mutate(
            { blocked: true },
            {
              onSuccess: () => {
                notify(`${customer.externalId} blocked`);
                setConfirming(null);
              },
            },
          )
        }
      />
      <ConfirmDialog
        open={confirming === 'delete'}
        onOpenChange={(open) => setConfirming(open ? 'delete' : null)}
        title={`Delete ${customer.externalId}?`}
        description="The customer's record, limits and metadata are deleted; their usage history stays. A later request with the same id creates a new customer."
        confirmLabel="Delete"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: () => {
              notify(`${customer.externalId} deleted`);
              onDeleted();
            },
          })
        }
      />
    </>
  );
}
