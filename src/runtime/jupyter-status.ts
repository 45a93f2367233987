import { request } from 'node:http';

export interface JupyterStatus {
  lastActivity: Date | null;
  kernels: number;
  connections: number;
}

/**
 * Asks a notebook server for `<baseUrl>api/status`. Resolves null when it does not answer 200
 * within the timeout, so callers can poll it while a server starts.
 */
export function fetchJupyterStatus(target: { host: string; port: number }, baseUrl: string, token: string, timeoutMs = 2000): Promise<JupyterStatus | null> {
  return new Promise((resolve) => {
    const req = request(
      { host: target.host, port: target.port, path: `${baseUrl}api/status`, headers: { authorization: `token ${token}` }, timeout: timeoutMs, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) return resolve(null);
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { last_activity?: string; kernels?: number; connections?: number };
            resolve({
              lastActivity: body.last_activity ? new Date(body.last_activity) : null,
              kernels: body.kernels ?? 0,
              connections: body.connections ?? 0,
            });
          } catch {
            resolve(null);
          }
        });
        res.on('error', () => resolve(null));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}

/**
 * Asks a fresh server for the pages a browser opens first, so that their one-time costs
 * (template compilation, imports) are paid before anyone waits for them. Failures are ignored.
 */
export async function warmUpJupyter(target: { host: string; port: number }, baseUrl: string, token: string, timeoutMs = 10_000): Promise<void> {
  for (const path of ['tree', 'api/contents', 'api/sessions']) {
    await new Promise<void>((resolve) => {
      const req = request({ host: target.host, port: target.port, path: `${baseUrl}${path}`, headers: { authorization: `token ${token}` }, timeout: timeoutMs, agent: false }, (res) => {
        res.resume();
        res.on('end', resolve);
        res.on('error', () => resolve());
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve());
      req.end();
    });
  }
}
