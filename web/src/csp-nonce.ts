// Hands the page's style nonce (index.html, set per page by the server) to the libraries that add inline <style>
// elements — Radix dialogs' scroll lock reads it from __webpack_nonce__ — so the Content-Security-Policy lets them.
declare global {
  var __webpack_nonce__: string | undefined;
}

const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
if (nonce && nonce !== 'shuttle-csp-nonce') globalThis.__webpack_nonce__ = nonce;

export {};
