import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createProxyMiddleware, type Plugin } from 'http-proxy-middleware';
import type { Logger } from '../log/logger.js';
import { safePath } from '../log/logger.js';
import type { ActivityRecorder } from './activity-recorder.js';
import { stripLauncherCookies } from './launcher-cookies.js';
import { RequestForwarder, type ForwardFailure } from './request-forwarder.js';
import type { RouteTarget } from './route-store.js';
import { WebSocketActivity } from './websocket-activity.js';

/** A route's target, worked out once per route rather than on every request. */
interface ProxyTarget {
  /** `http://host:port`, for the HTTP client. */
  origin: string;
  /** As http-proxy takes a target, for WebSocket upgrades. */
  upgrade: { protocol: 'http:'; host: string; hostname: string; port: number };
}

interface ForwardedRequest extends IncomingMessage {
  nblaunchTarget?: ProxyTarget['upgrade'];
  nblaunchServerId?: string;
}

export interface ForwarderOptions {
  activity: ActivityRecorder;
  logger: Logger;
  /**
   * Answers a plain HTTP request that got no usable answer: `unreachable` when the server did
   * not answer (503), `unusable` when the request or the answer could not be passed on (502).
   */
  onFailure: (req: IncomingMessage, res: ServerResponse, failure: ForwardFailure) => void;
  /**
   * Whether an Authorization header carries a launcher credential (an organizer token): true or
   * false at once, or a promise when it takes a lookup. Such a header never reaches a server.
   */
  isLauncherAuthorization: (authorization: string) => boolean | Promise<boolean>;
  /** How often open WebSockets' traffic is counted as activity (ms). */
  websocketSweepMs?: number;
}

/**
 * Forwards requests and WebSockets to targets the caller looked up in the route table. Plain
 * HTTP goes through undici (`RequestForwarder`), WebSocket upgrades through
 * http-proxy-middleware, which then pipes the two sockets into each other. The Host header is
 * kept so Jupyter's origin checks see the address the browser used, and the launcher's own
 * cookies are removed. Activity counts only on 2xx answers and WebSocket traffic: a visitor
 * without the token only gets redirects to the login page, and those must not keep someone
 * else's server alive.
 *
 * Why two clients (docs/performance.md, proxy): http-proxy, under both http-proxy-middleware
 * and JupyterHub's configurable-http-proxy, spends about twice undici's CPU time on each plain
 * request, while after an upgrade every proxy is the same socket pipe.
 */
export class Forwarder {
  private readonly requests: RequestForwarder;
  private readonly upgrades;
  private readonly targets = new WeakMap<RouteTarget, ProxyTarget>();
  private readonly websockets: WebSocketActivity;

  constructor(private readonly options: ForwarderOptions) {
    this.websockets = new WebSocketActivity(options.activity, options.websocketSweepMs);
    this.requests = new RequestForwarder({
      onStatus: (req, status) => {
        const id = (req as ForwardedRequest).nblaunchServerId;
        if (status >= 200 && status < 300 && id) options.activity.touch(id);
      },
      onFailure: (req, res, failure, error) => {
        this.logFailure(req as ForwardedRequest, error as NodeJS.ErrnoException);
        options.onFailure(req, res, failure);
      },
    });
    const errors: Plugin<ForwardedRequest, ServerResponse> = (proxyServer) => {
      proxyServer.on('error', (error, req, target) => this.onUpgradeError(error as NodeJS.ErrnoException, req, target as Socket));
    };
    this.upgrades = createProxyMiddleware<ForwardedRequest, ServerResponse>({
      router: (req) => req.nblaunchTarget,
      changeOrigin: false,
      xfwd: true,
      ws: false,
      proxyTimeout: 0,
      ejectPlugins: true,
      plugins: [errors],
    });
  }

  web(req: IncomingMessage, res: ServerResponse, id: string, target: RouteTarget): void {
    const forwarded = this.prepare(req, id);
    this.afterCredentialsDropped(req, () => this.requests.forward(forwarded, res, this.proxyTarget(target).origin));
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, id: string, target: RouteTarget): void {
    const forwarded = this.prepare(req, id);
    forwarded.nblaunchTarget = this.proxyTarget(target).upgrade;
    this.options.activity.touch(id);
    this.websockets.watch(id, socket);
    this.afterCredentialsDropped(req, () => this.upgrades.upgrade(forwarded, socket as Socket, head));
  }

  private prepare(req: IncomingMessage, id: string): ForwardedRequest {
    const forwarded = req as ForwardedRequest;
    forwarded.nblaunchServerId = id;
    stripLauncherCookies(req.headers);
    return forwarded;
  }

  /**
   * Runs `send` once an organizer token in the Authorization header is gone: code in the server
   * could read it there. At once in the common cases (no header, Jupyter's own `token` scheme, a
   * prefixed organizer token); after a lookup for an unprefixed bearer token, dropping the
   * header if the lookup fails.
   */
  private afterCredentialsDropped(req: IncomingMessage, send: () => void): void {
    const authorization = req.headers.authorization;
    const verdict = authorization ? this.options.isLauncherAuthorization(authorization) : false;
    if (typeof verdict === 'boolean') {
      if (verdict) delete req.headers.authorization;
      send();
      return;
    }
    void verdict.then((launcher) => { if (launcher) delete req.headers.authorization; }, () => { delete req.headers.authorization; }).then(send);
  }

  private proxyTarget(target: RouteTarget): ProxyTarget {
    let parsed = this.targets.get(target);
    if (!parsed) {
      const host = target.host.includes(':') ? `[${target.host}]` : target.host;
      parsed = {
        origin: `http://${host}:${target.port}`,
        upgrade: { protocol: 'http:', host: target.host, hostname: target.host, port: target.port },
      };
      this.targets.set(target, parsed);
    }
    return parsed;
  }

  private logFailure(req: ForwardedRequest, error: NodeJS.ErrnoException): void {
    this.options.logger.warn({ server: req.nblaunchServerId, path: safePath(req.url), code: error.code ?? error.name }, 'notebook server did not answer the proxy');
  }

  private onUpgradeError(error: NodeJS.ErrnoException, req: ForwardedRequest, socket: Socket): void {
    this.logFailure(req, error);
    if (socket.writable) socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
  }

  async close(): Promise<void> {
    this.websockets.close();
    await this.requests.close();
  }
}
