// "Environments": which version of this flow each environment runs.
import type { Flow } from '../../api/types';

export function EnvironmentsPanel({ flow, environments }: { flow: Flow; environments: string[] }) {
  return (
    <section className="card" aria-labelledby="environments-title">
      <h2 id="environments-title">Environments</h2>
      <p className="muted" style={{ marginBottom: '1rem' }}>
        A run uses the version active in its environment: an API key's own, or the one picked in the dashboard.
      </p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Environment</th>
              <th scope="col">Active version</th>
            </tr>
          </thead>
          <tbody>
            {environments.map((environment) => {
              const version = flow.environments[environment];
              return (
                <tr key={environment}>
                  <th scope="row">{environment}</th>
                  <td>{version === undefined ? <span className="muted">None: runs here are refused</span> : `Version ${version}`}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
