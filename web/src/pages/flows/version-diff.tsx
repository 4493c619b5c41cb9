// The line diff between two versions: removed lines marked "-", added lines "+", in text and to screen readers
// (not by colour alone).
import { useMemo } from 'react';
import type { FlowVersion } from '../../api/types';
import { lineDiff } from './line-diff';
import { versionLines } from './version-text';

export function VersionDiff({ before, after }: { before: FlowVersion; after: FlowVersion }) {
  const lines = useMemo(() => lineDiff(versionLines(before), versionLines(after)), [before, after]);
  const added = lines.filter((line) => line.kind === 'added').length;
  const removed = lines.filter((line) => line.kind === 'removed').length;
  const plural = (count: number, word: string) => `${count} line${count === 1 ? '' : 's'} ${word}`;

  return (
    <section className="version-diff" aria-labelledby="version-diff-title">
      <h3 id="version-diff-title">Version diff</h3>
      <p className="muted" role="status">
        {before.version === after.version
          ? 'The same version on both sides.'
          : added + removed === 0
            ? `Version ${before.version} and version ${after.version} are the same.`
            : `From version ${before.version} to version ${after.version}: ${plural(added, 'added')}, ${plural(removed, 'removed')}.`}
      </p>
      <div className="diff">
        {lines.map((line, index) =>
          line.kind === 'added' ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines of a diff have no identity but their place
            <ins key={index} className="diff-line added">
              <span className="visually-hidden">Added: </span>
              <span className="diff-sign" aria-hidden="true">
                +
              </span>
              {line.text}
            </ins>
          ) : line.kind === 'removed' ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: as above
            <del key={index} className="diff-line removed">
              <span className="visually-hidden">Removed: </span>
              <span className="diff-sign" aria-hidden="true">
                -
              </span>
              {line.text}
            </del>
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: as above
            <span key={index} className="diff-line">
              <span className="diff-sign" aria-hidden="true">
                {' '}
              </span>
              {line.text}
            </span>
          ),
        )}
      </div>
    </section>
  );
}
