import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Headers about the launcher's own connection to the notebook server, not the browser's: Node
 * writes the browser's `Connection`, `Keep-Alive` and framing (chunks for HTTP/1.1, a closed
 * connection for HTTP/1.0) itself, from the browser's request. A transfer coding other than
 * plain `chunked` (never seen from Jupyter) is passed on, as the body still carries it.
 */
function isHopByHop(name: string, value: string): boolean {
  if (name.length === 10) {
    const lower = name.toLowerCase();
    return lower === 'connection' || lower === 'keep-alive';
  }
  return name.length === 17 && name.toLowerCase() === 'transfer-encoding' && value.toLowerCase() === 'chunked';
}

/**
 * Sends a notebook server's answer on to the browser, as http-proxy's default copy does but
 * with less work per answer: status and headers in one `writeHead` straight from the raw
 * headers (their case, order and repeats, such as several `Set-Cookie`, kept), then the body
 * as it arrives, with backpressure. A body that arrived whole goes out with the headers in one
 * write. When the browser leaves before the end, the server's answer is dropped; when the
 * server's answer breaks off, the browser's is broken off too (rather than left hanging).
 */
export function copyResponse(from: IncomingMessage, to: ServerResponse): void {
  const raw = from.rawHeaders;
  const headers: string[] = [];
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index]!;
    const value = raw[index + 1]!;
    if (!isHopByHop(name, value)) headers.push(name, value);
  }
  const status = from.statusCode ?? 502;
  // An empty reason phrase gets Node's standard one, as with http-proxy.
  const message = from.statusMessage || undefined;
  if (to.getHeaderNames().length === 0) {
    to.writeHead(status, message, headers);
  } else {
    // Headers set before (by a middleware): writeHead would replace repeats, so append each.
    for (let index = 0; index < headers.length; index += 2) to.appendHeader(headers[index]!, headers[index + 1]!);
    to.writeHead(status, message);
  }

  if (to.destroyed) {
    // The browser left while the server was answering.
    from.destroy();
    return;
  }
  to.on('close', () => {
    if (!to.writableEnded) from.destroy();
  });
  from.on('close', () => {
    if (!from.complete && !to.destroyed) to.destroy();
  });
  from.on('data', (chunk: Buffer) => {
    if (from.complete && from.readableLength === 0) {
      to.end(chunk);
      return;
    }
    if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  });
  from.on('end', () => {
    if (!to.writableEnded) to.end();
  });
}
