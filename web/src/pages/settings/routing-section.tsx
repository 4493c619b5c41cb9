// Routing rules of one environment: which targets serve a model name, in what order, with what retries.
import { useState } from 'react';
import { useDeleteRoutingRule, useEnvironments, useRoutingRules } from '../../api/settings';
import type { RoutingRule } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { EmptyState } from '../../components/empty-state';
import { type Column, ResourceTable } from '../../components/resource-table';
import { useToast } from '../../components/toaster';
import { usePermissions } from '../../session/use-session';
import { RoutingRuleDialog } from './routing-rule-dialog';

const COLUMNS: Array<Column<RoutingRule>> = [
  { header: 'Model name', rowHeader: true, cell: (rule) => <code>{rule.alias}</code> },
  { header: 'Strategy', cell: (rule) => rule.strategy },
  {
    header: 'Targets',
    cell: (rule) =>
      rule.targets.map((target) => (
        <div key={`${target.provider}/${target.model}`}>
          {target.provider}/{target.model}
          {rule.strategy === 'weighted' ? <span className="muted"> × {target.weight}</span> : null}
        </div>
      )),
  },
  { header: 'Retries', cell: (rule) => `${rule.retry.attempts} per target` },
];

export function RoutingSection() {
  const [environment, setEnvironment] = useState('production');
  const environments = useEnvironments();
  const rules = useRoutingRules(environment);
  const remove = useDeleteRoutingRule();
  const notify = useToast();
  const { manageTenant } = usePermissions();
  const [editing, setEditing] = useState<RoutingRule | 'new' | null>(null);
  const [deleting, setDeleting] = useState<RoutingRule | null>(null);

  return (
    <section className="card" aria-labelledby="routing-title">
      <div className="card-header">
        <div>
          <h2 id="routing-title">Routing rules</h2>
          <p className="muted">Map a model name or alias (e.g. "smart") to targets with fallback, weights or least latency.</p>
        </div>
        <div className="page-actions">
          <div className="field">
            <label htmlFor="routing-environment">Environment</label>
            <select id="routing-environment" value={environment} onChange={(event) => setEnvironment(event.target.value)}>
              {(environments.data?.data ?? [{ name: 'production' }]).map((env) => (
                <option key={env.name}>{env.name}</option>
              ))}
            </select>
          </div>
          {manageTenant ? (
            <button type="button" className="button primary" onClick={() => setEditing('new')}>
              Add rule
            </button>
          ) : null}
        </div>
      </div>
      <ResourceTable
        rows={rules.data?.data}
        rowKey={(rule) => rule.alias}
        columns={COLUMNS}
        pending={rules.isPending}
        error={rules.error}
        loadingLabel="Loading routing rules"
        empty={
          <EmptyState title={`No routing rule in ${environment}`}>
            Without rules, <code>provider/model</code> goes straight to that provider. Add a rule to retry, fall back or balance.
          </EmptyState>
        }
        actions={
          manageTenant
            ? (rule) => (
                <>
                  <button type="button" className="button small" onClick={() => setEditing(rule)}>
                    Edit
                  </button>
                  <button type="button" className="button small danger-text" onClick={() => setDeleting(rule)}>
                    Delete
                  </button>
                </>
              )
            : undefined
        }
      />
      {manageTenant ? (
        <>
          <RoutingRuleDialog
            key={editing === 'new' ? 'new' : (editing?.alias ?? 'closed')}
            rule={editing === 'new' ? null : editing}
            open={editing !== null}
            environment={environment}
            onClose={() => setEditing(null)}
          />
          <ConfirmDialog
            open={deleting !== null}
            onOpenChange={(open) => {
              if (!open) {
                setDeleting(null);
                remove.reset();
              }
            }}
            title={`Delete the rule for ${deleting?.alias ?? ''}?`}
            description="Requests for this name stop being routed by it at once: an alias no longer resolves, a real model name goes straight to its provider."
            confirmLabel="Delete"
            pending={remove.isPending}
            error={remove.error}
            onConfirm={() =>
              deleting &&
              remove.mutate(
                { alias: deleting.alias, environment },
                {
                  onSuccess: () => {
                    notify(`Rule ${deleting.alias} deleted`);
                    setDeleting(null);
                  },
                },
              )
            }
          />
        </>
      ) : null}
    </section>
  );
}
