// Short best practice for API keys, beside them.
export function KeyHelp() {
  return (
    <aside className="card help" aria-labelledby="key-help-title">
      <h2 id="key-help-title">Keeping keys safe</h2>
      <ul>
        <li>
          <strong>Keep keys in environment variables</strong>, e.g. <code>SHUTTLE_KEY</code>, never in source code.
        </li>
        <li>
          <strong>One sub-key per app or environment</strong>, so you can revoke one without stopping the others.
        </li>
        <li>
          <strong>Rotate keys</strong> regularly, and at once when someone who knew one leaves.
        </li>
        <li>
          <strong>
            Keep <code>.env</code> out of git
          </strong>
          : add it to <code>.gitignore</code>.
        </li>
      </ul>
    </aside>
  );
}
