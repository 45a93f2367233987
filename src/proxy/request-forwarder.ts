import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { forwardedRequestHeaders } from './request-headers.js';

/** Why a request got no answer from its server. */
export type ForwardFailure =
  /** The server could not be reached, or its connection broke before it answered. */
  | 'unreachable'
  /** The request or the server's answer is one the launcher cannot pass on (not HTTP it can read or write). */
  | 'unusable';

export interface RequestForwarderOptions {
  /** Called with each answer's status as it starts (activity counts 2xx answers). */
  onStatus: (req: IncomingMessage, status: number) => void;
  /** Answers a request whose server gave no usable answer; only called before any header is sent. */
  onFailure: (req: IncomingMessage, res: ServerResponse, failure: ForwardFailure, error: Error) => void;
}

/** RFC 9112 6.3: a request has a body only when it says so with one of these headers. */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
}

/** Errors of the request or the answer themselves, rather than of reaching the server. */
const unusableCodes = new Set([
  'UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'UND_ERR_HEADERS_OVERFLOW', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH', 'ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN', 'ERR_HTTP_INVALID_STATUS_CODE',
]);

function failureOf(error: Error & { code?: string }): ForwardFailure {
  return error.name === 'HTTPParserError' || (error.code !== undefined && unusableCodes.has(error.code)) ? 'unusable' : 'unreachable';
}

/**
 * The answer's headers for the browser: the server's, less those about the launcher's own
 * connection to it. Node writes the browser's `Connection`, `Keep-Alive` and framing (chunks
 * for HTTP/1.1, a closed connection for HTTP/1.0) itself. A transfer coding other than plain
 * `chunked` (never seen from Jupyter) is passed on, as the body still carries it.
 */
function answerHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  delete headers.connection;
  delete headers['keep-alive'];
  delete headers['proxy-connection'];
  const coding = headers['transfer-encoding'];
  if (coding !== undefined && coding.toLowerCase() === 'chunked') delete headers['transfer-encoding'];
  return headers;
}

/** One forwarded request: undici's callbacks for its answer, written on to the browser. */
class Exchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;

  constructor(private readonly req: IncomingMessage, private readonly res: ServerResponse, private readonly options: RequestForwarderOptions) {
    res.once('close', () => {
      // The browser left before the end: stop reading the server's answer.
      if (!res.writableFinished) this.controller?.abort(new Error('the browser closed the connection'));
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.res.destroyed) controller.abort(new Error('the browser closed the connection'));
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    this.options.onStatus(this.req, statusCode);
    const answer = answerHeaders(headers);
    try {
      // An empty reason phrase gets Node's standard one.
      this.res.writeHead(statusCode, statusMessage || undefined, answer);
    } catch (error) {
      // A header Node will not write (a character not allowed in HTTP). Nothing was sent yet;
      // the headers set before it go, so the failure's answer is not framed by them.
      for (const name of Object.keys(answer)) this.res.removeHeader(name);
      controller.abort(error as Error);
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.res.headersSent || this.res.destroyed) {
      // Part of the answer is out: breaking the browser's connection is the only honest end.
      this.res.destroy();
      return;
    }
    this.options.onFailure(this.req, this.res, failureOf(error), error);
  }
}

/**
 * Forwards plain HTTP requests to notebook servers with undici, the Node project's HTTP client:
 * it keeps connections to each server alive and reuses them, streams bodies both ways with
 * backpressure, and costs the launcher about half of what Node's `http.request` with http-proxy
 * did per request (docs/performance.md, proxy). Nothing times out on its own: a kernel's long
 * request or a server's event stream may take as long as it takes, as with JupyterHub's proxy.
 */
export class RequestForwarder {
  private readonly agent = new Agent({
    connections: 256,
    headersTimeout: 0,
    bodyTimeout: 0,
    connectTimeout: 10_000,
  });
  constructor(private readonly options: RequestForwarderOptions) {}

  /** Forwards `req` to `origin` (`http://host:port`); undici reports a request it refuses to send as an error of the exchange. */
  forward(req: IncomingMessage, res: ServerResponse, origin: string): void {
    this.agent.dispatch({
      origin,
      path: req.url ?? '/',
      method: req.method as Dispatcher.HttpMethod,
      headers: forwardedRequestHeaders(req),
      body: hasBody(req) ? req : null,
    }, new Exchange(req, res, this.options));
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }
}
