// API keys: the master key, the sub-keys, and how to keep them safe.
import { useKeys } from '../../api/keys';
import { ErrorMessage } from '../../components/error-message';
import { PageError } from '../../components/page-error';
import { PageHeader } from '../../components/page-header';
import { SkeletonRows } from '../../components/skeleton';
import { usePermissions } from '../../session/use-session';
import { KeyHelp } from './key-help';
import { MasterKeyCard } from './master-key-card';
import { SubKeys } from './sub-keys';

export function KeysPage() {
  const keys = useKeys();
  const { manageKeys } = usePermissions();
  const master = keys.data?.data.find((key) => key.kind === 'master');
  const subKeys = keys.data?.data.filter((key) => key.kind === 'sub') ?? [];

  return (
    <>
      <PageHeader
        title="API keys"
        description={
          manageKeys
            ? 'Keys call the gateway and the data API. Give each app or environment its own sub-key.'
            : 'Keys call the gateway and the data API. Only owners and admins can create or change them.'
        }
      />
      <div className="with-aside">
        <div className="stack">
          {keys.error ? (
            keys.data ? (
              <ErrorMessage error={keys.error} />
            ) : (
              <PageError error={keys.error} onReload={() => void keys.refetch()} />
            )
          ) : null}
          {keys.isPending ? (
            <SkeletonRows rows={5} label="Loading keys" />
          ) : keys.data ? (
            <>
              {master ? <MasterKeyCard masterKey={master} canManage={manageKeys} /> : null}
              <SubKeys keys={subKeys} maxSubKeys={keys.data.maxSubKeys} canManage={manageKeys} />
            </>
          ) : null}
        </div>
        <KeyHelp />
      </div>
    </>
  );
}
