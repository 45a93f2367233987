import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/**
 * Starts a kernel through the REST API and runs `code` over the kernel's WebSocket
 * (Jupyter messaging protocol 5.3), resolving with everything it printed to stdout.
 */
export async function runCodeInNewKernel(serverUrl: string, token: string, code: string, timeoutMs = 60_000): Promise<string> {
  const auth = { authorization: `token ${token}` };
  const created = await fetch(`${serverUrl}api/kernels`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'python3' }) });
  if (created.status !== 201) throw new Error(`kernel start answered ${created.status}`);
  const kernel = await created.json() as { id: string };
  const wsUrl = `${serverUrl.replace(/^http/, 'ws')}api/kernels/${kernel.id}/channels`;
  const socket = new WebSocket(wsUrl, { headers: auth });
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply from the kernel in time')), timeoutMs);
      const msgId = randomUUID();
      let output = '';
      socket.on('error', (error) => { clearTimeout(timer); reject(error); });
      socket.on('unexpected-response', (_req, res) => { clearTimeout(timer); reject(new Error(`websocket upgrade answered ${res.statusCode}`)); });
      socket.on('open', () => {
        socket.send(JSON.stringify({
          header: { msg_id: msgId, username: 'test', session: randomUUID(), msg_type: 'execute_request', version: '5.3', date: new Date().toISOString() },
          parent_header: {}, metadata: {}, channel: 'shell', buffers: [],
          content: { code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: true },
        }));
      });
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { msg_type: string; parent_header: { msg_id?: string }; content: { name?: string; text?: string; execution_state?: string } };
        if (message.parent_header.msg_id !== msgId) return;
        if (message.msg_type === 'stream' && message.content.name === 'stdout') output += message.content.text ?? '';
        if (message.msg_type === 'status' && message.content.execution_state === 'idle') {
          clearTimeout(timer);
          resolve(output);
        }
      });
    });
  } finally {
    socket.close();
  }
}
