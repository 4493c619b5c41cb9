// Where to go after logging in or changing the password: only paths inside the dashboard, never an open redirect.
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
