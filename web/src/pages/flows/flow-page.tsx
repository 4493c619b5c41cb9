// One flow: its versions and how they differ, the editor for a new one, where each is active, a run panel and the
// run log.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { type AwaitedRun, useFlow, useFlowVersions } from '../../api/flows';
import { useEnvironments } from '../../api/settings';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { SkeletonRows } from '../../components/skeleton';
import { usePermissions } from '../../session/use-session';
import { CompareEnvironments } from './compare-environments';
import { CompareVersions } from './compare-versions';
import { EnvironmentsPanel } from './environments-panel';
import { RunLog } from './run-log';
import { RunPanel } from './run-panel';
import { VersionEditor } from './version-editor';
import { VersionsPanel } from './versions-panel';

export function FlowPage() {
  const slug = useParams().flow ?? '';
  // A fresh page per flow: following a link to another flow starts over (pickers, editor, the awaited run).
  return <FlowView key={slug} slug={slug} />;
}

function FlowView({ slug }: { slug: string }) {
  const flow = useFlow(slug);
  const versions = useFlowVersions(slug);
  const environments = useEnvironments();
  const { manageFlows, runFlows } = usePermissions();
  const [editing, setEditing] = useState(false);
  const [awaited, setAwaited] = useState<AwaitedRun | null>(null);

  if (flow.isPending) return <SkeletonRows rows={6} label="Loading the flow" />;
  if (flow.error || !flow.data) {
    return (
      <>
        <PageHeader title={slug} />
        <ErrorMessage error={flow.error} />
        <Link to="/flows">← All flows</Link>
      </>
    );
  }
  const data = flow.data;
  const list = versions.data?.data ?? [];
  const environmentNames = environments.data?.data.map((env) => env.name) ?? ['production', 'development'];

  return (
    <>
      <nav aria-label="Breadcrumb">
        <Link to="/flows" className="link">
          ← Flows
        </Link>
      </nav>
      <PageHeader
        title={data.title}
        description={
          <>
            <code>{data.slug}</code> · {data.latestVersion === null ? 'no versions yet' : `latest version ${data.latestVersion}`}
            {data.description ? ` · ${data.description}` : null}
          </>
        }
        actions={
          manageFlows ? (
            <button type="button" className="button primary" onClick={() => setEditing(true)}>
              New version
            </button>
          ) : null
        }
      />
      <ErrorMessage error={versions.error ?? environments.error} />
      {versions.isPending ? (
        <SkeletonRows rows={3} label="Loading versions" />
      ) : (
        <>
          <VersionsPanel flow={data} versions={list} environments={environmentNames} canManage={manageFlows} />
          <CompareVersions versions={list} />
          <div className="grid-2">
            <EnvironmentsPanel flow={data} environments={environmentNames} />
            <CompareEnvironments highlight={data.slug} />
          </div>
          <RunPanel flow={data} versions={list} environments={environmentNames} canRun={runFlows} onRan={setAwaited} />
        </>
      )}
      <RunLog flow={data.slug} awaited={awaited} />
      {manageFlows ? <VersionEditor flow={data.slug} latest={list.at(-1) ?? null} open={editing} onOpenChange={setEditing} /> : null}
    </>
  );
}
