// A key as the API lists it (ps_…abcd), shown as dots and its last four characters; read out as "ending in abcd".
export function MaskedKey({ maskedKey }: { maskedKey: string }) {
  return (
    <code className="masked-key">
      <span className="visually-hidden">Key ending in </span>
      <span aria-hidden="true">••••••••</span>
      {maskedKey.slice(-4)}
    </code>
  );
}
