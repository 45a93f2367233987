/**
 * The load generator of bench/proxy.ts, run as its own process (`node --import tsx`) so that the
 * load does not share an event loop with the launcher under test. It reads one JSON job per line
 * on stdin and answers each with one `result <json>` line on stdout.
 */
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import WebSocket from 'ws';
import { percentile } from './stats.js';

export interface HttpJob {
  kind: 'http';
  url: string;
  connections: number;
  durationSec: number;
  warmupSec: number;
  headers?: Record<string, string>;
}

export interface WsJob {
  kind: 'ws';
  url: string;
  clients: number;
  durationSec: number;
  warmupSec: number;
  messageBytes: number;
  /** Messages each client keeps in flight (default 1: the next one leaves when the last one's echo arrives). */
  inFlight?: number;
}

export interface LoadResult {
  /** Requests (HTTP) or echoed messages (WebSocket) per second over the measured window. */
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  count: number;
  /** Every answer (or echo) of the job, warm-up included: what the proxies' CPU time is divided by. */
  allCount: number;
  /** Non-2xx answers, connection errors and timeouts; a valid run has 0. */
  failures: number;
}

async function runHttp(job: HttpJob): Promise<LoadResult> {
  // sampleInt below 1 s: otherwise autocannon rounds every run up to whole seconds.
  const base = { url: job.url, connections: job.connections, headers: job.headers ?? {}, pipelining: 1, sampleInt: 250 };
  const warmup = job.warmupSec > 0 ? await autocannon({ ...base, duration: job.warmupSec }) : undefined;
  const result = await autocannon({ ...base, duration: job.durationSec });
  const count = result['2xx'];
  return {
    perSec: count / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    count,
    allCount: count + result.non2xx + (warmup ? warmup['2xx'] + warmup.non2xx : 0),
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * `clients` sockets, each sending its next message as soon as the echo of the last arrives; with
 * `inFlight` above 1, each keeps that many on the way (a stream: the proxies then carry several
 * messages per read). Latency is measured in the one-in-flight case only.
 */
async function runWs(job: WsJob): Promise<LoadResult> {
  const payload = Buffer.alloc(job.messageBytes, 'x');
  const sockets = await Promise.all(Array.from({ length: job.clients }, () => new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(job.url, { perMessageDeflate: false });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  })));
  const start = performance.now();
  const measureFrom = start + job.warmupSec * 1000;
  const measureTo = measureFrom + job.durationSec * 1000;
  const rtts: number[] = [];
  let echoes = 0;
  let failures = 0;
  const inFlight = job.inFlight ?? 1;
  let measured = 0;
  await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => {
    let sentAt = 0;
    const send = () => {
      sentAt = performance.now();
      socket.send(payload);
    };
    socket.on('message', () => {
      echoes += 1;
      const now = performance.now();
      if (now >= measureFrom && now <= measureTo) {
        measured += 1;
        if (inFlight === 1 && sentAt >= measureFrom) rtts.push(now - sentAt);
      }
      if (now < measureTo) send();
      else resolve();
    });
    socket.on('error', () => { failures += 1; resolve(); });
    socket.on('close', () => resolve());
    for (let sent = 0; sent < inFlight; sent += 1) send();
  })));
  for (const socket of sockets) socket.terminate();
  const count = inFlight === 1 ? rtts.length : measured;
  return { perSec: count / job.durationSec, p50Ms: percentile(rtts, 50), p99Ms: percentile(rtts, 99), count, allCount: echoes, failures };
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const job = JSON.parse(line) as HttpJob | WsJob;
  (job.kind === 'http' ? runHttp(job) : runWs(job)).then(
    (result) => process.stdout.write(`result ${JSON.stringify(result)}\n`),
    (error: Error) => process.stdout.write(`result ${JSON.stringify({ error: error.message })}\n`),
  );
});
lines.on('close', () => process.exit(0));
process.stdout.write('ready\n');
