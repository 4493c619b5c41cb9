// "Compare environments": the flows whose active versions differ between two environments, and (for admins)
// promoting them — copying the first environment's active versions to the second, in one transaction.
import { useState } from 'react';
import { Link } from 'react-router';
import { useEnvironmentDiff, usePromote } from '../../api/flows';
import { useEnvironments } from '../../api/settings';
import type { EnvironmentDifference } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorMessage } from '../../components/error-message';
import { SkeletonRows } from '../../components/skeleton';
import { useToast } from '../../components/toaster';
import { usePermissions } from '../../session/use-session';

const versionText = (version: number | null) => (version === null ? 'Not active' : `Version ${version}`);

/** `highlight`: the slug of the flow whose page this is, marked in the list. */
export function CompareEnvironments({ highlight }: { highlight?: string }) {
  const environments = useEnvironments();
  const names = environments.data?.data.map((env) => env.name) ?? ['production', 'development'];
  const [from, setFrom] = useState('development');
  const [to, setTo] = useState('production');
  const diff = useEnvironmentDiff(from, to);
  const promote = usePromote();
  const notify = useToast();
  const { manageFlows } = usePermissions();
  const [confirming, setConfirming] = useState(false);
  const rows = from === to ? [] : (diff.data?.data ?? []);
  // Flows not active in `from` stay as they are in `to`: promotion copies active versions only.
  const promotable = rows.filter((row) => row.from !== null);

  const confirm = () =>
    promote.mutate(
      { from, to, flows: promotable.map((row) => row.slug) },
      {
        onSuccess: (answer) => {
          notify(`Promoted ${answer.data.length} flow${answer.data.length === 1 ? '' : 's'} from ${from} to ${to}`);
          setConfirming(false);
        },
      },
    );

  return (
    <section className="card" aria-labelledby="compare-environments-title">
      <h2 id="compare-environments-title">Compare environments</h2>
      <p className="muted" style={{ marginBottom: '1rem' }}>
        Every flow of the tenant whose active version differs between two environments.
      </p>
      <div className="filters compare-pickers">
        <EnvironmentSelect id="compare-from-environment" label="From environment" names={names} value={from} onChange={setFrom} />
        <EnvironmentSelect id="compare-to-environment" label="To environment" names={names} value={to} onChange={setTo} />
      </div>
      <ErrorMessage error={diff.error} />
      {from === to ? (
        <p className="muted">Pick two different environments.</p>
      ) : diff.isPending ? (
        <SkeletonRows rows={2} label="Loading the differences" />
      ) : rows.length === 0 ? (
        <p className="muted" role="status">
          Every flow runs the same version in {from} and {to}.
        </p>
      ) : (
        <DifferenceTable rows={rows} from={from} to={to} highlight={highlight} />
      )}
      {manageFlows && from !== to ? (
        <div className="form-actions">
          <p className="hint" id="promote-hint" style={{ marginRight: 'auto', alignSelf: 'center' }}>
            {promotable.length === 0
              ? `Nothing to promote from ${from}.`
              : `Makes ${to} run ${from}'s active version of ${promotable.length} flow${promotable.length === 1 ? '' : 's'}.`}
          </p>
          <button
            type="button"
            className="button primary"
            disabled={promotable.length === 0}
            aria-describedby="promote-hint"
            onClick={() => setConfirming(true)}
          >
            Promote
          </button>
        </div>
      ) : null}
      <ConfirmDialog
        open={confirming}
        onOpenChange={(open) => {
          setConfirming(open);
          if (!open) promote.reset();
        }}
        title={`Promote ${from} to ${to}?`}
        description={
          <>
            <p>{to} will run these versions at once:</p>
            <ul>
              {promotable.map((row) => (
                <li key={row.flowId}>
                  {row.title}: {versionText(row.to)} → {versionText(row.from)}
                </li>
              ))}
            </ul>
          </>
        }
        confirmLabel="Promote"
        destructive={false}
        pending={promote.isPending}
        error={promote.error}
        onConfirm={confirm}
      />
    </section>
  );
}

interface EnvironmentSelectProps {
  id: string;
  label: string;
  names: string[];
  value: string;
  onChange: (name: string) => void;
}

function EnvironmentSelect({ id, label, names, value, onChange }: EnvironmentSelectProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}

function DifferenceTable({ rows, from, to, highlight }: { rows: EnvironmentDifference[]; from: string; to: string; highlight?: string }) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">
          Flows that differ between {from} and {to}
        </caption>
        <thead>
          <tr>
            <th scope="col">Flow</th>
            <th scope="col">In {from}</th>
            <th scope="col">In {to}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.flowId}>
              <th scope="row">
                <Link to={`/flows/${encodeURIComponent(row.slug)}`}>{row.title}</Link>
                {row.slug === highlight ? (
                  <>
                    {' '}
                    <span className="badge">this flow</span>
                  </>
                ) : null}
              </th>
              <td>{versionText(row.from)}</td>
              <td>{versionText(row.to)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
