import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { bootLauncher, launchSession, type Harness } from '../src/testing/launcher-harness.js';
import { cpuMs } from './cpu-time.js';
import type { BenchOptions } from './launch.js';
import { waitForStatus } from './launch.js';
import type { HttpJob, LoadResult, WsJob } from './load-generator.js';
import { echoBackendScript, freePort, gitRevision, jsonBackendScript, repoRoot, startChild, startScript, withCleanup, type Child } from './processes.js';
import { percentile, printTable, round } from './stats.js';

type Via = 'direct' | 'nblaunch' | 'chp';
const vias: Via[] = ['direct', 'nblaunch', 'chp'];
const loopback = '127.0.0.1';

/** A server id the launcher's path pattern accepts, like the ids it makes itself. */
function serverId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(20)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** The load generator child process (bench/load-generator.ts): one job at a time. */
class LoadGenerator {
  private pending: ((line: string) => void) | undefined;

  private constructor(readonly child: Child) {
    createInterface({ input: child.process.stdout! }).on('line', (line) => {
      if (line.startsWith('result ') && this.pending) this.pending(line.slice('result '.length));
    });
    child.process.once('exit', () => this.pending?.(JSON.stringify({ error: `load generator exited: ${child.output().slice(-1000)}` })));
  }

  static async start(): Promise<LoadGenerator> {
    const script = fileURLToPath(new URL('./load-generator.ts', import.meta.url));
    const { child } = await startChild('load generator', process.execPath, ['--import', 'tsx', script], /^ready$/m);
    return new LoadGenerator(child);
  }

  run(job: HttpJob | WsJob): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      this.pending = (line) => {
        this.pending = undefined;
        const answer = JSON.parse(line) as LoadResult & { error?: string };
        if (answer.error) reject(new Error(`${job.url}: ${answer.error}`));
        else if (answer.failures > 0) reject(new Error(`${job.url}: ${answer.failures} failed requests or connections`));
        else resolve(answer);
      };
      this.child.process.stdin!.write(`${JSON.stringify(job)}\n`);
    });
  }
}

/** configurable-http-proxy as JupyterHub runs it: its own process, routes through its REST API. */
class Chp {
  private constructor(readonly child: Child, readonly port: number, private readonly apiUrl: string, private readonly token: string) {}

  static async start(): Promise<Chp> {
    const port = await freePort();
    const apiPort = await freePort();
    const token = randomBytes(16).toString('hex');
    const bin = join(repoRoot, 'node_modules/configurable-http-proxy/bin/configurable-http-proxy');
    const { child } = await startChild('configurable-http-proxy', process.execPath, [
      bin, '--ip', loopback, '--port', String(port), '--api-ip', loopback, '--api-port', String(apiPort), '--log-level', 'warn',
    ], null, { env: { ...process.env, CONFIGPROXY_AUTH_TOKEN: token } });
    const chp = new Chp(child, port, `http://${loopback}:${apiPort}`, token);
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const response = await fetch(`${chp.apiUrl}/api/routes`, { headers: { authorization: `token ${token}` } });
        await response.arrayBuffer();
        if (response.ok) return chp;
      } catch {
        // not listening yet
      }
      if (child.process.exitCode !== null || Date.now() > deadline) {
        await child.stop();
        throw new Error(`configurable-http-proxy did not start: ${child.output().slice(-2000)}`);
      }
      await sleep(50);
    }
  }

  async addRoute(id: string, target: string): Promise<void> {
    const response = await fetch(`${this.apiUrl}/api/routes/s/${id}`, {
      method: 'POST', headers: { authorization: `token ${this.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ target }),
    });
    await response.arrayBuffer();
    if (response.status !== 201) throw new Error(`CHP refused route /s/${id}: ${response.status}`);
  }

  async removeRoute(id: string): Promise<void> {
    const response = await fetch(`${this.apiUrl}/api/routes/s/${id}`, { method: 'DELETE', headers: { authorization: `token ${this.token}` } });
    await response.arrayBuffer();
    if (response.status !== 204) throw new Error(`CHP did not remove route /s/${id}: ${response.status}`);
  }

  async routeCount(): Promise<number> {
    const response = await fetch(`${this.apiUrl}/api/routes`, { headers: { authorization: `token ${this.token}` } });
    return Object.keys(await response.json() as Record<string, unknown>).length;
  }
}

async function inBatches<T>(items: T[], size: number, each: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += size) await Promise.all(items.slice(start, start + size).map(each));
}


/** Runs the starts at once; every one that succeeds is stopped at the end, even if another failed. */
async function startAll<T extends readonly unknown[]>(
  defer: (cleanup: () => unknown) => void,
  starts: { [K in keyof T]: [Promise<T[K]>, (started: T[K]) => unknown] },
): Promise<T> {
  const settled = await Promise.allSettled(starts.map(async ([promise, stop]) => {
    const started = await promise;
    defer(() => stop(started));
    return started;
  }));
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** A load's result, with the CPU time its proxy process used per request (or message), in µs. */
type Sample = LoadResult & { cpuUs?: number };

function median(results: Sample[]): Sample {
  const middle = (values: number[]) => percentile(values, 50);
  const cpu = results.flatMap((result) => (result.cpuUs === undefined ? [] : [result.cpuUs]));
  return {
    perSec: middle(results.map((result) => result.perSec)),
    p50Ms: middle(results.map((result) => result.p50Ms)),
    p99Ms: middle(results.map((result) => result.p99Ms)),
    count: results.reduce((sum, result) => sum + result.count, 0),
    allCount: results.reduce((sum, result) => sum + result.allCount, 0),
    failures: 0,
    ...(cpu.length > 0 ? { cpuUs: middle(cpu) } : {}),
  };
}

type Backend = 'json' | 'jupyter' | 'ws' | 'wsStream';
/** Which part of the run a measurement belongs to: the main tables, or the route-table section before and after adding routes. */
type Part = 'main' | 'few-routes' | 'many-routes';
const key = (backend: Backend, via: Via, connections: number, part: Part) => `${backend}/${via}/${connections}/${part}`;

export async function benchProxy(options: BenchOptions): Promise<Record<string, unknown>> {
  // --quick: 19 loads of 2 s; the whole run stays under a minute.
  const durationSec = options.quick ? 2 : 5;
  const warmupSec = options.quick ? 0.3 : 1;
  const rounds = options.quick ? 1 : 3;
  const wsClients = 10;
  /** Messages each client keeps in flight in the streaming WebSocket load. */
  const wsStreamInFlight = 50;
  const manyRoutes = 10_000;
  const fewRoutes = 10;
  const httpConnections = [10, 100];
  const scaleConnections = options.quick ? [10] : [10, 100];
  // The route-table comparison asks about a 10 % difference, less than this machine's
  // round-to-round swing (±20 %), so it gets its own, more numerous rounds of shorter loads.
  const scaleRounds = options.quick ? 1 : 5;
  const scaleDurationSec = options.quick ? 2 : 3;

  return withCleanup(async (defer) => {
    // Backends, proxies and the load generator each get their own process; the launcher runs in
    // this one (bootLauncher), which does nothing else while a load runs.
    const [json, echo, harness, chp, load] = await startAll<[
      Awaited<ReturnType<typeof startScript>>, Awaited<ReturnType<typeof startScript>>, Harness, Chp, LoadGenerator,
    ]>(defer, [
      [startScript('JSON backend', jsonBackendScript), (started) => started.child.stop()],
      [startScript('WebSocket echo backend', echoBackendScript), (started) => started.child.stop()],
      [bootLauncher({ capacity: { maxServers: 5, maxServersPerIp: 5 } }, { print: () => undefined }), (started) => started.cleanup()],
      [Chp.start(), (started) => started.child.stop()],
      [LoadGenerator.start(), (started) => started.child.stop()],
    ]);

    const session = await launchSession(harness.url);
    await waitForStatus(session.url, session.token);
    const notebook = await harness.launcher.deps.routes.lookup(session.id);
    if (!notebook) throw new Error('the launched session has no route');
    const auth = { authorization: `token ${session.token}` };

    // The same 10 routes in both tables: the notebook, the JSON backend, the echo backend and 7
    // dummies. Dummy routes point at the discard port on loopback; nothing ever requests them.
    const jsonId = serverId();
    const wsId = serverId();
    const dummy = { host: loopback, port: 9 };
    const targets: Array<readonly [string, { host: string; port: number }]> = [
      [jsonId, { host: loopback, port: json.port }],
      [wsId, { host: loopback, port: echo.port }],
      ...Array.from({ length: fewRoutes - 3 }, () => [serverId(), dummy] as const),
    ];
    await Promise.all(targets.map(([id, target]) => harness.launcher.deps.routes.add(id, target)));
    await Promise.all([...targets, [session.id, notebook] as const].map(([id, target]) => chp.addRoute(id, `http://${target.host}:${target.port}`)));
    const checkRoutes = async (expected: number) => {
      const counts = { nblaunch: harness.launcher.deps.routes.size, chp: await chp.routeCount() };
      if (counts.nblaunch !== expected || counts.chp !== expected) throw new Error(`expected ${expected} routes in each proxy, have ${JSON.stringify(counts)}`);
    };
    await checkRoutes(fewRoutes);

    const httpBase: Record<Via, string> = {
      direct: '',
      nblaunch: harness.url,
      chp: `http://${loopback}:${chp.port}`,
    };
    const httpUrl = (backend: 'json' | 'jupyter', via: Via) => {
      if (backend === 'json') return `${via === 'direct' ? `http://${loopback}:${json.port}` : httpBase[via]}/s/${jsonId}/data.json`;
      return `${via === 'direct' ? `http://${notebook.host}:${notebook.port}` : httpBase[via]}/s/${session.id}/api/status`;
    };
    const wsUrl: Record<Via, string> = {
      direct: `ws://${loopback}:${echo.port}/s/${wsId}/echo`,
      nblaunch: `${harness.url.replace(/^http/, 'ws')}/s/${wsId}/echo`,
      chp: `ws://${loopback}:${chp.port}/s/${wsId}/echo`,
    };

    const samples = new Map<string, Sample[]>();
    const record = (name: string, result: Sample) => samples.set(name, [...(samples.get(name) ?? []), result]);
    // The proxy's process: the launcher runs in this one, which does nothing else during a load.
    const proxyPid: Record<Via, number | undefined> = { direct: undefined, nblaunch: process.pid, chp: chp.child.pid };
    const run = async (via: Via, job: HttpJob | WsJob): Promise<Sample> => {
      const pid = proxyPid[via];
      const before = pid === undefined ? 0 : cpuMs(pid);
      const result = await load.run(job);
      return pid === undefined ? result : { ...result, cpuUs: ((cpuMs(pid) - before) * 1000) / result.allCount };
    };
    const measureHttp = async (backend: 'json' | 'jupyter', via: Via, connections: number, part: Part, seconds = durationSec) => {
      record(key(backend, via, connections, part), await run(via, {
        kind: 'http', url: httpUrl(backend, via), connections, durationSec: seconds, warmupSec, ...(backend === 'jupyter' ? { headers: auth } : {}),
      }));
    };
    const extra = Array.from({ length: manyRoutes - fewRoutes }, () => serverId());
    const addSec = { nblaunch: [] as number[], chp: [] as number[] };
    const timed = async (into: number[], work: () => Promise<void>) => {
      const started = performance.now();
      await work();
      into.push((performance.now() - started) / 1000);
    };

    for (let round = 0; round < rounds; round += 1) {
      // 1. Plain HTTP: the three ways in turn, so each comparison is measured seconds apart.
      for (const connections of httpConnections) {
        for (const backend of ['json', 'jupyter'] as const) {
          for (const via of vias) await measureHttp(backend, via, connections, 'main');
        }
      }
      // 2. WebSocket echo: each client sends its next message when the echo of the last arrives.
      for (const via of vias) {
        record(key('ws', via, wsClients, 'main'), await run(via, { kind: 'ws', url: wsUrl[via], clients: wsClients, durationSec, warmupSec, messageBytes: 32 }));
      }
      // 2b. The same as a stream: each client keeps 50 messages on the way.
      for (const via of vias) {
        record(key('wsStream', via, wsClients, 'main'), await run(via, {
          kind: 'ws', url: wsUrl[via], clients: wsClients, durationSec, warmupSec, messageBytes: 32, inFlight: wsStreamInFlight,
        }));
      }
    }

    // 3. The JSON route with 10 and then 10,000 routes in each table, measured back to back.
    for (let round = 0; round < scaleRounds; round += 1) {
      for (const connections of scaleConnections) {
        for (const via of ['nblaunch', 'chp'] as const) await measureHttp('json', via, connections, 'few-routes', scaleDurationSec);
      }
      await timed(addSec.nblaunch, () => inBatches(extra, 200, (id) => harness.launcher.deps.routes.add(id, dummy)));
      await timed(addSec.chp, () => inBatches(extra, 50, (id) => chp.addRoute(id, `http://${dummy.host}:${dummy.port}`)));
      await checkRoutes(manyRoutes);
      // Adding the routes kept this process (the launcher's) and CHP busy, 20,000 requests and
      // their garbage: let that settle before the first measurement after it.
      await sleep(2000);
      for (const connections of scaleConnections) {
        for (const via of ['nblaunch', 'chp'] as const) await measureHttp('json', via, connections, 'many-routes', scaleDurationSec);
      }
      if (round < scaleRounds - 1) {
        await inBatches(extra, 200, (id) => harness.launcher.deps.routes.remove(id));
        await inBatches(extra, 50, (id) => chp.removeRoute(id));
        await checkRoutes(fewRoutes);
      }
    }

    /** Medians over the rounds. */
    const get = (backend: Backend, via: Via, connections: number, part: Part = 'main') => median(samples.get(key(backend, via, connections, part))!);
    const scaleFew = (via: Via, connections: number) => get('json', via, connections, 'few-routes');
    /**
     * The median over the rounds of the ratio within each round: the two sides of a ratio ran
     * seconds apart, so a disturbance in one round moves that round's ratio only.
     */
    const paired = (field: 'perSec' | 'p99Ms' | 'cpuUs', a: [Backend, Via, number, Part?], b: [Backend, Via, number, Part?]) => {
      const left = samples.get(key(a[0], a[1], a[2], a[3] ?? 'main'))!;
      const right = samples.get(key(b[0], b[1], b[2], b[3] ?? 'main'))!;
      return round(percentile(left.map((sample, index) => (sample[field] ?? Number.NaN) / (right[index]![field] ?? Number.NaN)), 50), 3);
    };
    const rate = (backend: Backend, via: Via, other: Via, connections: number) => paired('perSec', [backend, via, connections], [backend, other, connections]);
    const p99 = (backend: Backend, via: Via, other: Via, connections: number) => paired('p99Ms', [backend, via, connections], [backend, other, connections]);
    /** CHP's CPU time per request over nblaunch's: above 1, nblaunch's proxy does the same work with less. */
    const cpuSaving = (backend: Backend, connections: number) => paired('cpuUs', [backend, 'chp', connections], [backend, 'nblaunch', connections]);
    const scale = (via: Via, connections: number) => paired('perSec', ['json', via, connections, 'many-routes'], ['json', via, connections, 'few-routes']);
    const ws = Object.fromEntries(vias.map((via) => [via, get('ws', via, wsClients)])) as Record<Via, Sample>;
    const wsStream = Object.fromEntries(vias.map((via) => [via, get('wsStream', via, wsClients)])) as Record<Via, Sample>;

    const result: Record<string, unknown> = {
      benchmark: 'proxy',
      revision: gitRevision(),
      rounds,
      durationSec,
      scaleRounds,
      scaleDurationSec,
      warmupSec,
      proxyVsChpReqPerSec: rate('json', 'nblaunch', 'chp', 10),
      proxyVsChpReqPerSec100: rate('json', 'nblaunch', 'chp', 100),
      proxyVsDirectReqPerSec: rate('json', 'nblaunch', 'direct', 10),
      proxyVsDirectReqPerSec100: rate('json', 'nblaunch', 'direct', 100),
      chpVsDirectReqPerSec: rate('json', 'chp', 'direct', 10),
      chpVsDirectReqPerSec100: rate('json', 'chp', 'direct', 100),
      proxyP99VsChpP99: p99('json', 'nblaunch', 'chp', 10),
      proxyP99VsChpP99At100: p99('json', 'nblaunch', 'chp', 100),
      jupyterProxyVsChpReqPerSec: rate('jupyter', 'nblaunch', 'chp', 10),
      jupyterProxyVsChpReqPerSec100: rate('jupyter', 'nblaunch', 'chp', 100),
      jupyterProxyVsDirectReqPerSec: rate('jupyter', 'nblaunch', 'direct', 10),
      jupyterProxyVsDirectReqPerSec100: rate('jupyter', 'nblaunch', 'direct', 100),
      jupyterProxyP99VsChpP99: p99('jupyter', 'nblaunch', 'chp', 10),
      routes10kVs10ReqPerSec: scale('nblaunch', 10),
      chpRoutes10kVs10ReqPerSec: scale('chp', 10),
      ...(scaleConnections.includes(100) ? {
        routes10kVs10ReqPerSec100: scale('nblaunch', 100),
        chpRoutes10kVs10ReqPerSec100: scale('chp', 100),
      } : {}),
      chpVsProxyCpuPerReq: cpuSaving('json', 10),
      chpVsProxyCpuPerReq100: cpuSaving('json', 100),
      chpVsProxyCpuPerMsg: cpuSaving('ws', wsClients),
      wsProxyVsChpMsgPerSec: rate('ws', 'nblaunch', 'chp', wsClients),
      wsProxyVsDirectMsgPerSec: rate('ws', 'nblaunch', 'direct', wsClients),
      wsChpVsDirectMsgPerSec: rate('ws', 'chp', 'direct', wsClients),
      wsStreamProxyVsChpMsgPerSec: rate('wsStream', 'nblaunch', 'chp', wsClients),
      wsStreamProxyVsDirectMsgPerSec: rate('wsStream', 'nblaunch', 'direct', wsClients),
      wsStreamChpVsDirectMsgPerSec: rate('wsStream', 'chp', 'direct', wsClients),
      chpVsProxyCpuPerStreamMsg: cpuSaving('wsStream', wsClients),
      addRoutesSec: { nblaunch: round(percentile(addSec.nblaunch, 50), 2), chp: round(percentile(addSec.chp, 50), 2) },
      http: httpConnections.flatMap((connections) => (['json', 'jupyter'] as const).flatMap((backend) => vias.map((via) => {
        const row = get(backend, via, connections);
        return { backend, via, connections, reqPerSec: Math.round(row.perSec), p50Ms: row.p50Ms, p99Ms: row.p99Ms, ...(row.cpuUs === undefined ? {} : { cpuUsPerReq: round(row.cpuUs) }) };
      }))),
      routeTable: scaleConnections.flatMap((connections) => (['nblaunch', 'chp'] as const).map((via) => ({
        via, connections, reqPerSec10: Math.round(scaleFew(via, connections).perSec), reqPerSec10k: Math.round(get('json', via, connections, 'many-routes').perSec),
      }))),
      ws: vias.map((via) => ({
        via, clients: wsClients, msgPerSec: Math.round(ws[via].perSec), p50Ms: round(ws[via].p50Ms, 3), p99Ms: round(ws[via].p99Ms, 3),
        ...(ws[via].cpuUs === undefined ? {} : { cpuUsPerMsg: round(ws[via].cpuUs) }),
      })),
      wsStream: vias.map((via) => ({
        via, clients: wsClients, inFlight: wsStreamInFlight, msgPerSec: Math.round(wsStream[via].perSec),
        ...(wsStream[via].cpuUs === undefined ? {} : { cpuUsPerMsg: round(wsStream[via].cpuUs) }),
      })),
      /** Requests (or messages) per second of every round, by backend/via/connections/part. */
      perRound: Object.fromEntries([...samples].map(([name, results]) => [name, results.map((sample) => Math.round(sample.perSec))])),
      /** The proxy process's CPU time per request (or message), µs, of every round. */
      cpuPerRound: Object.fromEntries([...samples].filter(([, results]) => results[0]?.cpuUs !== undefined)
        .map(([name, results]) => [name, results.map((sample) => round(sample.cpuUs ?? Number.NaN))])),
    };

    const label: Record<Via, string> = { direct: 'direct', nblaunch: 'nblaunch proxy', chp: 'configurable-http-proxy' };
    const each = rounds > 1 ? `median of ${rounds} rounds of ${durationSec} s` : `${durationSec} s`;
    console.log(`HTTP, ${each} after ${warmupSec} s of warm-up each; ${fewRoutes} routes in each proxy (revision ${String(result.revision)})`);
    if (rounds > 1) console.log('Ratios are the median over the rounds of the ratio within each round.');
    printTable(httpConnections.flatMap((connections) => (['json', 'jupyter'] as const).flatMap((backend) => vias.map((via) => {
      const row = get(backend, via, connections);
      return {
        backend: backend === 'json' ? 'JSON backend' : 'notebook /api/status',
        via: label[via], conns: connections, 'req/s': Math.round(row.perSec), p50_ms: row.p50Ms, p99_ms: row.p99Ms,
        'proxy_cpu_us/req': row.cpuUs === undefined ? '-' : round(row.cpuUs),
        vs_direct: rate(backend, via, 'direct', connections), vs_chp: rate(backend, via, 'chp', connections),
      };
    }))));
    console.log(`\nRoute table size, JSON backend, ${scaleRounds > 1 ? `median of ${scaleRounds} rounds of ${scaleDurationSec} s` : `${scaleDurationSec} s`} (adding ${manyRoutes - fewRoutes} routes took nblaunch ${(result.addRoutesSec as { nblaunch: number }).nblaunch} s, CHP ${(result.addRoutesSec as { chp: number }).chp} s)`);
    printTable(scaleConnections.flatMap((connections) => (['nblaunch', 'chp'] as const).map((via) => {
      const few = scaleFew(via, connections);
      const many = get('json', via, connections, 'many-routes');
      return {
        via: label[via], conns: connections, [`req/s ${fewRoutes} routes`]: Math.round(few.perSec), [`req/s ${manyRoutes} routes`]: Math.round(many.perSec),
        [`p99_ms ${fewRoutes}`]: few.p99Ms, [`p99_ms ${manyRoutes}`]: many.p99Ms, ratio: scale(via, connections),
      };
    })));
    console.log(`\nWebSocket echo, ${wsClients} clients, 32-byte messages back to back`);
    printTable(vias.map((via) => ({
      via: label[via], 'msg/s': Math.round(ws[via].perSec), p50_ms: round(ws[via].p50Ms, 3), p99_ms: round(ws[via].p99Ms, 3),
      'proxy_cpu_us/msg': ws[via].cpuUs === undefined ? '-' : round(ws[via].cpuUs),
      vs_direct: rate('ws', via, 'direct', wsClients), vs_chp: rate('ws', via, 'chp', wsClients),
    })));
    console.log(`\nWebSocket echo as a stream, ${wsClients} clients, ${wsStreamInFlight} 32-byte messages each on the way`);
    printTable(vias.map((via) => ({
      via: label[via], 'msg/s': Math.round(wsStream[via].perSec),
      'proxy_cpu_us/msg': wsStream[via].cpuUs === undefined ? '-' : round(wsStream[via].cpuUs),
      vs_direct: rate('wsStream', via, 'direct', wsClients), vs_chp: rate('wsStream', via, 'chp', wsClients),
    })));
    console.log('');
    printTable(Object.entries(result)
      .filter(([name, value]) => typeof value === 'number' && !['rounds', 'durationSec', 'warmupSec', 'scaleRounds', 'scaleDurationSec'].includes(name))
      .map(([name, value]) => ({ ratio: name, value: value as number })));
    return result;
  });
}
