import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex, Stream, Writable } from 'node:stream';
import { createProxyMiddleware, type Options, type Plugin } from 'http-proxy-middleware';
import type { Logger } from '../log/logger.js';
import { safePath } from '../log/logger.js';
import type { ActivityRecorder } from './activity-recorder.js';
import { stripLauncherCookies } from './launcher-cookies.js';
import { copyResponse } from './response-copy.js';
import type { RouteTarget } from './route-store.js';
import { WebSocketActivity } from './websocket-activity.js';

/** A route's target as http-proxy takes it: parsed once, not from a URL string on every request. */
interface ProxyTarget {
  protocol: 'http:';
  host: string;
  hostname: string;
  port: number;
}

interface ForwardedRequest extends IncomingMessage {
  nblaunchTarget?: ProxyTarget;
  nblaunchServerId?: string;
}

/**
 * The body of a request that has none. http-proxy sends `options.buffer` in place of the
 * request when it is set, so a GET ends at once instead of being piped (listeners added and
 * removed on both streams, an extra tick for the request's end): a few per cent of the proxy's
 * CPU time per small request (docs/performance.md, proxy).
 */
const noBody = {
  pipe<T extends Writable>(destination: T): T {
    destination.end();
    return destination;
  },
} as unknown as Stream;

/** RFC 9112 6.3: a request has a body only when it says so with one of these headers. */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
}

export interface ForwarderOptions {
  activity: ActivityRecorder;
  logger: Logger;
  /** Answers a plain HTTP request whose server did not answer (503). */
  onDeadTarget: (req: IncomingMessage, res: ServerResponse) => void;
  /** How often open WebSockets' traffic is counted as activity (ms). */
  websocketSweepMs?: number;
}

/**
 * One code path for HTTP and WebSocket: both go through http-proxy-middleware, to targets the
 * caller looked up in the route table. The Host header is kept so Jupyter's origin checks see
 * the address the browser used. Activity counts only on 2xx responses and WebSocket traffic: a
 * visitor without the token only gets redirects to the login page, and those must not keep
 * someone else's server alive.
 *
 * Tuned for the hot path (docs/performance.md, proxy): HPM's default plugins are left out (its
 * logger plugin builds a URL for every response, to log it to a no-op logger), targets are
 * parsed once per route, requests without a body are not piped, and the response is copied by
 * `copyResponse` instead of http-proxy's per-header copy and pipe.
 */
export class Forwarder {
  private readonly withBody;
  private readonly withoutBody;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 });
  private readonly targets = new WeakMap<RouteTarget, ProxyTarget>();
  private readonly websockets: WebSocketActivity;

  constructor(private readonly options: ForwarderOptions) {
    this.websockets = new WebSocketActivity(options.activity, options.websocketSweepMs);
    const events: Plugin<ForwardedRequest, ServerResponse> = (proxyServer) => {
      proxyServer.on('proxyRes', (proxyRes, req, res) => {
        const status = proxyRes.statusCode ?? 500;
        if (status >= 200 && status < 300 && req.nblaunchServerId) options.activity.touch(req.nblaunchServerId);
        copyResponse(proxyRes, res);
      });
      proxyServer.on('error', (error, req, target) => this.onError(error as NodeJS.ErrnoException, req, target));
    };
    const common: Options<ForwardedRequest, ServerResponse> = {
      router: (req) => req.nblaunchTarget,
      changeOrigin: false,
      xfwd: true,
      ws: false,
      agent: this.agent,
      proxyTimeout: 0,
      selfHandleResponse: true,
      ejectPlugins: true,
      plugins: [events],
    };
    this.withBody = createProxyMiddleware<ForwardedRequest, ServerResponse>(common);
    this.withoutBody = createProxyMiddleware<ForwardedRequest, ServerResponse>({ ...common, buffer: noBody });
  }

  web(req: IncomingMessage, res: ServerResponse, id: string, target: RouteTarget): void {
    const forwarded = this.prepare(req, id, target);
    // The browser's Connection header speaks of its own connection. Passed on, a `close` made the
    // server close the launcher's pooled connection too (a new one for the next request).
    const connection = req.headers.connection;
    if (connection !== undefined && connection !== 'keep-alive') req.headers.connection = 'keep-alive';
    const proxy = hasBody(req) ? this.withBody : this.withoutBody;
    void proxy(forwarded, res, (error?: unknown) => {
      if (error) this.onError(error as NodeJS.ErrnoException, forwarded, res);
    });
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, id: string, target: RouteTarget): void {
    const forwarded = this.prepare(req, id, target);
    this.options.activity.touch(id);
    this.websockets.watch(id, socket);
    this.withBody.upgrade(forwarded, socket as Socket, head);
  }

  private prepare(req: IncomingMessage, id: string, target: RouteTarget): ForwardedRequest {
    const forwarded = req as ForwardedRequest;
    forwarded.nblaunchTarget = this.proxyTarget(target);
    forwarded.nblaunchServerId = id;
    stripLauncherCookies(req.headers);
    return forwarded;
  }

  private proxyTarget(target: RouteTarget): ProxyTarget {
    let parsed = this.targets.get(target);
    if (!parsed) {
      parsed = { protocol: 'http:', host: target.host, hostname: target.host, port: target.port };
      this.targets.set(target, parsed);
    }
    return parsed;
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
    this.websockets.close();
    this.agent.destroy();
  }
}
