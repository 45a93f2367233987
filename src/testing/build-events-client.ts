export interface StreamedEvent {
  phase: string;
  message: string;
  [field: string]: unknown;
}

/**
 * Reads a BinderHub-style event stream until `ready` or `failed` (or the stream ends), the way
 * a browser's EventSource would: `data:` frames, comments ignored.
 */
export async function readBuildEvents(url: string, timeoutMs = 300_000): Promise<{ events: StreamedEvent[]; comments: number; contentType: string | null }> {
  const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: AbortSignal.timeout(timeoutMs) });
  if (!response.body) throw new Error(`no body from ${url} (${response.status})`);
  const events: StreamedEvent[] = [];
  let comments = 0;
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) comments += 1;
        else if (line.startsWith('data:')) events.push(JSON.parse(line.slice(5).trim()) as StreamedEvent);
      }
      const last = events.at(-1);
      if (last && (last.phase === 'ready' || last.phase === 'failed')) {
        await response.body.cancel().catch(() => undefined);
        return { events, comments, contentType: response.headers.get('content-type') };
      }
    }
  }
  return { events, comments, contentType: response.headers.get('content-type') };
}
