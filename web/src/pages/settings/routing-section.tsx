// Routing rules of one environment: which targets serve a model name, in what order, with what retries.
import { useState } from 'react';
import { useDeleteRoutingRule, useEnvironments, useRoutingRules } from '../../api/settings';
import type { RoutingRule } from '../../api/types';
import { ConfirmRemoval } from '../../components/confirm-removal';
import { EmptyState } from '../../components/empty-state';
import { type Column, ResourceTable } from '../../components/resource-table';
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
          <ConfirmRemoval
            item={deleting}
            onClose={() => setDeleting(null)}
            removal={remove}
            title={`Delete the rule for ${deleting?.alias ?? ''}?`}
            description="Requests for this name stop being routed by it at once: an alias no longer resolves, a real model name goes straight to its provider."
            onConfirm={(rule, done) =>
              remove.mutate({ alias: rule.alias, environment }, { onSuccess: () => done(`Rule ${rule.alias} deleted`) })
            }
          />
        </>
      ) : null}
    </section>
  );
}
