import { PassThrough } from 'node:stream';
import type { Context } from 'koa';

export interface EventStream {
  send(data: unknown): void;
  end(): void;
  /** True once the client has gone away. */
  readonly closed: boolean;
}

/**
 * A server-sent event stream on this response: `data: {json}\n\n` frames and a `:keepalive`
 * comment every `keepaliveMs`, as BinderHub sends them.
 */
export function openEventStream(ctx: Context, keepaliveMs: number): EventStream {
  const stream = new PassThrough();
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.status = 200;
  ctx.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  ctx.body = stream;
  let closed = false;
  const keepalive = setInterval(() => stream.write(':keepalive\n\n'), keepaliveMs);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
  };
  ctx.req.on('close', close);
  ctx.res.on('close', close);
  stream.write(':\n\n');
  return {
    send(data: unknown) {
      if (!closed) stream.write(`data: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      close();
      stream.end();
    },
    get closed() {
      return closed;
    },
  };
}
