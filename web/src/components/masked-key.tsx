// A key as the API lists it, `ps_…abcd`: the prefix says what kind of secret it is, the last four which one.
// Read out as "Key ending in abcd".
export function MaskedKey({ maskedKey }: { maskedKey: string }) {
  const last4 = maskedKey.slice(-4);
  return (
    <code className="masked-key">
      <span className="visually-hidden">Key ending in </span>
      <span aria-hidden="true">{maskedKey.slice(0, -4)}</span>
      {last4}
    </code>
  );
}
