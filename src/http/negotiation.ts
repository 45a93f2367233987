import type { IncomingMessage } from 'node:http';

/** Browsers get pages, everything else (API clients, fetch with Accept: JSON) gets JSON. */
export function wantsHtml(req: IncomingMessage): boolean {
  const path = req.url ?? '';
  if (path.startsWith('/api/') || path === '/health') return false;
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html');
}
