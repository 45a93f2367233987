import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import WebSocket from 'ws';
import { redisAnswers } from '../src/store/embedded-redis.js';
import { storeKeys } from '../src/store/keys.js';
import { removeContainersOf, removeSandboxOf } from '../src/testing/launcher-harness.js';
import type { BenchOptions } from './launch.js';
import { bareServerScript, echoBackendScript, freePort, gitRevision, rssMb, sample, startChild, startScript, withCleanup } from './processes.js';
import { percentile, printTable, round } from './stats.js';
import { configSchema } from '../src/config/schema.js';
import { ensureServiceUser } from '../src/setup/service-user.js';

const loopback = '127.0.0.1';
const targetMb = 200;

function lowercaseId(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** The environment of this process without any launcher setting, plus `settings`. */
function launcherEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('NBLAUNCH_') && name !== 'PORT' && name !== 'REDIS_URL') env[name] = value;
  }
  return { ...env, ...settings };
}

async function inBatches<T>(items: T[], size: number, each: (item: T, index: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map((item, offset) => each(item, start + offset)));
  }
}

/** A few samples after a pause: the median, so one allocation burst does not decide. */
async function settledRss(pid: number, pauseMs: number): Promise<number> {
  await sleep(pauseMs);
  return percentile(await sample(() => rssMb(pid), 1000, 200), 50);
}

export async function benchMemory(options: BenchOptions): Promise<Record<string, unknown>> {
  const pauseMs = options.quick ? 1500 : 5000;
  const trafficMs = options.quick ? 3000 : 10_000;
  const routeCount = 500;
  const socketCount = 200;

  return withCleanup(async (defer) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nblaunch-bench-memory-'));
    defer(() => rmSync(dataDir, { recursive: true, force: true }));
    // As setup does before `npm start`: the launcher gives up root for the service user.
    ensureServiceUser({ user: configSchema.parse({}).runAsUser, dataDir, log: () => undefined });
    const instance = `bench-mem-${lowercaseId(8)}`;
    defer(() => removeContainersOf(instance));
    defer(() => removeSandboxOf(instance));
    const redisSocket = join(dataDir, 'redis', 'redis.sock');
    // If the launcher had to be killed, its private redis-server (own process group) is still up.
    defer(async () => {
      if (!(await redisAnswers(redisSocket))) return;
      const client = createClient({ socket: { path: redisSocket, tls: false } });
      client.on('error', () => undefined);
      await client.connect();
      await client.sendCommand(['SHUTDOWN', 'NOSAVE']).catch(() => undefined);
      client.destroy();
    });

    // Baselines: the smallest Node HTTP server, plain and under the tsx loader the launcher runs with.
    const bare = await startScript('bare node http server', bareServerScript);
    defer(() => bare.child.stop());
    const bareTsx = await startScript('bare node http server under tsx', bareServerScript, ['--import', 'tsx']);
    defer(() => bareTsx.child.stop());
    const echo = await startScript('echo backend', echoBackendScript);
    defer(() => echo.child.stop());

    const port = await freePort();
    const { child: launcher } = await startChild('launcher', process.execPath, ['--import', 'tsx', 'src/main.ts'], /nblaunch is ready at/, {
      env: launcherEnv({
        NBLAUNCH_PORT: String(port), NBLAUNCH_HOST: loopback, NBLAUNCH_DATA_DIR: dataDir, NBLAUNCH_INSTANCE: instance, NBLAUNCH_LOG_LEVEL: 'warn',
        // As in the test harness: no reconcile or cull pass during the run (the reconciler would
        // remove the benchmark's routes, which have no sessions, as orphans).
        NBLAUNCH_RECONCILE_INTERVAL_SECONDS: '3600', NBLAUNCH_CULL_INTERVAL_SECONDS: '3600',
        // The load reaches servers through the launcher's address, as the harness does.
        NBLAUNCH_ALLOW_SERVERS_ON_LAUNCHER_ORIGIN: 'true',
      }),
      timeoutMs: 60_000,
    });
    defer(() => launcher.stop());
    const launcherUrl = `http://${loopback}:${port}`;

    // 1. Idle, after start-up; the baselines at the same time.
    const [idleMb, bareMb, bareTsxMb] = await Promise.all([
      settledRss(launcher.pid, pauseMs), settledRss(bare.child.pid, pauseMs), settledRss(bareTsx.child.pid, pauseMs),
    ]);

    // 2. 500 routes, written to the launcher's Redis the way RedisRouteStore.add does, then each
    // requested once through the proxy so it is in the launcher's memory (cache on miss or change feed).
    const redis = createClient({ socket: { path: redisSocket, tls: false } });
    redis.on('error', () => undefined);
    await redis.connect();
    defer(() => redis.destroy());
    const keys = storeKeys(instance);
    const changes = (keys as Record<string, unknown>).routeChanges;
    const ids = Array.from({ length: routeCount }, () => lowercaseId(20));
    const target = { host: loopback, port: echo.port };
    await inBatches(ids, 50, async (id) => {
      const multi = redis.multi()
        .hSet(keys.route(id), { host: target.host, port: String(target.port), lastActivity: String(Date.now()) })
        .sAdd(keys.routes, id);
      if (typeof changes === 'string') multi.publish(changes, JSON.stringify({ type: 'add', id, target }));
      await multi.exec();
    });
    await inBatches(ids, 25, async (id) => {
      const response = await fetch(`${launcherUrl}/s/${id}/`);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`GET /s/${id}/ through the launcher answered ${response.status}`);
    });
    const routesMb = await settledRss(launcher.pid, pauseMs);

    // 3. 200 WebSockets through the proxy, each echoing 64-byte messages back to back.
    const payload = Buffer.alloc(64, 'x');
    const sockets: WebSocket[] = [];
    defer(() => { for (const socket of sockets) socket.terminate(); });
    await inBatches(Array.from({ length: socketCount }, (_, index) => ids[index % ids.length]!), 50, (id) => new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(`ws://${loopback}:${port}/s/${id}/ws`, { perMessageDeflate: false });
      sockets.push(socket);
      socket.once('open', () => resolve());
      socket.once('error', reject);
    }));
    let messages = 0;
    let sending = true;
    for (const socket of sockets) {
      socket.on('message', () => {
        messages += 1;
        if (sending) socket.send(payload);
      });
      socket.send(payload);
    }
    const trafficSamples = await sample(() => rssMb(launcher.pid), trafficMs, 250);
    sending = false;
    const messagesPerSec = messages / (trafficMs / 1000);
    const open = sockets.filter((socket) => socket.readyState === WebSocket.OPEN).length;
    if (open !== socketCount) throw new Error(`only ${open} of ${socketCount} WebSockets stayed open`);
    const wsMb = Math.max(...trafficSamples);
    const wsMeanMb = trafficSamples.reduce((sum, value) => sum + value, 0) / trafficSamples.length;
    await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
    })));
    sockets.length = 0;
    const afterMb = await settledRss(launcher.pid, pauseMs);

    // Not part of the launcher's RSS: its private redis-server, for the record.
    const info = await redis.info('server');
    const redisPid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    const redisMb = Number.isFinite(redisPid) ? rssMb(redisPid) : Number.NaN;

    const rssMbMax = Math.max(idleMb, routesMb, wsMb, afterMb);
    const result = {
      benchmark: 'memory',
      revision: gitRevision(),
      pauseMs,
      trafficMs,
      bareNodeRssMb: round(bareMb),
      bareNodeTsxRssMb: round(bareTsxMb),
      idleRssMb: round(idleMb),
      routes500RssMb: round(routesMb),
      ws200RssMb: round(wsMb),
      ws200MeanRssMb: round(wsMeanMb),
      afterWsRssMb: round(afterMb),
      rssMbMax: round(rssMbMax),
      rssMbTarget: targetMb,
      idleVsBareNode: round(idleMb / bareMb, 2),
      rssMaxVsBareNode: round(rssMbMax / bareMb, 2),
      idleVsBareNodeTsx: round(idleMb / bareTsxMb, 2),
      wsMessagesPerSec: Math.round(messagesPerSec),
      redisRssMb: round(redisMb),
    };
    console.log(`Resident memory (VmRSS) of the launcher process (revision ${result.revision}); baseline measured in the same run`);
    printTable([
      { state: 'bare `node -e` http server (baseline)', rss_mb: result.bareNodeRssMb, vs_baseline: 1 },
      { state: 'bare http server under `--import tsx`', rss_mb: result.bareNodeTsxRssMb, vs_baseline: round(bareTsxMb / bareMb, 2) },
      { state: 'launcher idle after start-up', rss_mb: result.idleRssMb, vs_baseline: result.idleVsBareNode },
      { state: `launcher with ${routeCount} routes, each used once`, rss_mb: result.routes500RssMb, vs_baseline: round(routesMb / bareMb, 2) },
      { state: `launcher with ${socketCount} WebSockets echoing (max)`, rss_mb: result.ws200RssMb, vs_baseline: round(wsMb / bareMb, 2) },
      { state: `launcher with ${socketCount} WebSockets echoing (mean)`, rss_mb: result.ws200MeanRssMb, vs_baseline: round(wsMeanMb / bareMb, 2) },
      { state: 'launcher after the WebSockets closed', rss_mb: result.afterWsRssMb, vs_baseline: round(afterMb / bareMb, 2) },
    ]);
    console.log(`\nrssMbMax ${result.rssMbMax} MB (target < ${targetMb} MB); ${result.wsMessagesPerSec} msg/s through the proxy during the WebSocket phase; private redis-server (separate process) ${result.redisRssMb} MB`);
    return result;
  });
}
