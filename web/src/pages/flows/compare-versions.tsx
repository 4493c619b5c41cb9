// "Compare versions": any two versions of the flow, side by side as one line diff.
import { useState } from 'react';
import type { FlowVersion } from '../../api/types';
import { VersionDiff } from './version-diff';

export function CompareVersions({ versions }: { versions: FlowVersion[] }) {
  const latest = versions.at(-1)?.version ?? 0;
  const [picked, setPicked] = useState<{ from: number; to: number } | null>(null);
  // Until someone picks, compare the two newest versions (and follow a version saved meanwhile).
  const from = picked?.from ?? Math.max(latest - 1, 1);
  const to = picked?.to ?? latest;
  const before = versions.find((version) => version.version === from);
  const after = versions.find((version) => version.version === to);
  const choose = (changes: Partial<{ from: number; to: number }>) => setPicked({ from, to, ...changes });

  return (
    <section className="card" aria-labelledby="compare-versions-title">
      <h2 id="compare-versions-title">Compare versions</h2>
      {versions.length < 2 ? (
        <p className="muted">Save a second version to compare it with the first.</p>
      ) : (
        <>
          <div className="filters compare-pickers">
            <VersionSelect
              id="compare-from-version"
              label="From version"
              versions={versions}
              value={from}
              onChange={(v) => choose({ from: v })}
            />
            <VersionSelect id="compare-to-version" label="To version" versions={versions} value={to} onChange={(v) => choose({ to: v })} />
          </div>
          {before && after ? <VersionDiff before={before} after={after} /> : null}
        </>
      )}
    </section>
  );
}

interface VersionSelectProps {
  id: string;
  label: string;
  versions: FlowVersion[];
  value: number;
  onChange: (version: number) => void;
}

function VersionSelect({ id, label, versions, value, onChange }: VersionSelectProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(Number(event.target.value))}>
        {versions.map((version) => (
          <option key={version.version} value={version.version}>
            Version {version.version}
          </option>
        ))}
      </select>
    </div>
  );
}
