import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { Logger } from '../log/logger.js';
import { safePath } from '../log/logger.js';
import type { ActivityRecorder } from './activity-recorder.js';
import { stripLauncherCookies } from './launcher-cookies.js';
import type { RouteTarget } from './route-store.js';

interface ForwardedRequest extends IncomingMessage {
  nblaunchTarget?: string;
  nblaunchServerId?: string;
}

export interface ForwarderOptions {
  activity: ActivityRecorder;
  logger: Logger;
  /** Answers a plain HTTP request whose server did not answer (503). */
  onDeadTarget: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * One code path for HTTP and WebSocket: both go through the same http-proxy instance, to
 * targets the caller looked up in the route table. The Host header is kept so Jupyter's
 * origin checks see the address the browser used. Activity counts only on 2xx responses and
 * WebSocket traffic: a visitor without the token only gets redirects to the login page, and
 * those must not keep someone else's server alive.
 */
export class Forwarder {
  private readonly proxy;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 });

  constructor(private readonly options: ForwarderOptions) {
    this.proxy = createProxyMiddleware<ForwardedRequest, ServerResponse>({
      router: (req) => req.nblaunchTarget,
      changeOrigin: false,
      xfwd: true,
      ws: false,
      agent: this.agent,
      proxyTimeout: 0,
      on: {
        proxyRes: (proxyRes, req) => {
          const status = proxyRes.statusCode ?? 500;
          if (status >= 200 && status < 300 && req.nblaunchServerId) options.activity.touch(req.nblaunchServerId);
        },
        proxyReqWs: (proxyReq, req) => {
          const id = req.nblaunchServerId;
          if (id) proxyReq.on('upgrade', (_res, proxySocket: Socket) => proxySocket.on('data', () => options.activity.touch(id)));
        },
        error: (error, req, target) => this.onError(error as NodeJS.ErrnoException, req, target as ServerResponse | Socket),
      },
    });
  }

  web(req: IncomingMessage, res: ServerResponse, id: string, target: RouteTarget): void {
    const forwarded = req as ForwardedRequest;
    forwarded.nblaunchTarget = `http://${target.host}:${target.port}`;
    forwarded.nblaunchServerId = id;
    stripLauncherCookies(req.headers);
    void this.proxy(forwarded, res, (error?: unknown) => {
      if (error) this.onError(error as NodeJS.ErrnoException, forwarded, res);
    });
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, id: string, target: RouteTarget): void {
    const forwarded = req as ForwardedRequest;
    forwarded.nblaunchTarget = `http://${target.host}:${target.port}`;
    forwarded.nblaunchServerId = id;
    stripLauncherCookies(req.headers);
    socket.on('data', () => this.options.activity.touch(id));
    this.options.activity.touch(id);
    this.proxy.upgrade(forwarded, socket as Socket, head);
  }

  private onError(error: NodeJS.ErrnoException, req: ForwardedRequest, target: ServerResponse | Socket): void {
    this.options.logger.warn({ server: req.nblaunchServerId, path: safePath(req.url), code: error.code }, 'notebook server did not answer the proxy');
    if ('writeHead' in target) {
      if (!target.headersSent) this.options.onDeadTarget(req, target);
      else target.destroy();
      return;
    }
    if (target.writable) target.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    target.destroy();
  }

  close(): void {
    this.agent.destroy();
  }
}
