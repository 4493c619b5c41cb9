// undici's connector for tenants' URLs: each new connection is checked by the address policy on the address it
// connects to — a literal IP before connecting, a host name through the policy's `lookup` (DNS rebinding included).
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { type AddressPolicy, AddressRefusedError } from './address-policy.js';

/** `http2`: undici's HTTP/2 options for the connections (ALPN over TLS, prior knowledge in cleartext); none by default. */
export function guardedConnector(
  policy: AddressPolicy,
  http2: { allowH2: boolean; useH2c: boolean } = { allowH2: false, useH2c: false },
): buildConnector.connector {
  const connect = buildConnector({ lookup: policy.lookup, ...http2 });
  return (options, callback) => {
    // net.connect skips `lookup` for an IP address, so a literal one is checked here.
    if (isIP(options.hostname) !== 0 && !policy.allows(options.hostname, options.hostname)) {
      callback(new AddressRefusedError(options.hostname), null);
      return;
    }
    connect(options, callback);
  };
}
