import { request, type IncomingHttpHeaders } from 'node:http';

export interface HostAnswer { status: number; headers: IncomingHttpHeaders; body: string }
export interface AskOptions { method?: string; headers?: Record<string, string>; body?: string }

/** A request to the launcher on `port` (loopback) naming `host` in its Host header, as a browser at that address (or a forger) would. */
export function askHost(port: number, host: string, path: string, options: AskOptions = {}): Promise<HostAnswer> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host, ...options.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    sent.on('error', reject);
    sent.end(options.body);
  });
}
