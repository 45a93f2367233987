import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { MemoryServerHandoffStore } from '../../auth/testing/memory-server-handoff-store.js';
import { MemoryRateLimiter } from '../../build/testing/memory-rate-limiter.js';
import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { silentLogger } from '../../log/testing.js';
import { persistentHarness, type PersistentHarness } from '../../persistent/testing/persistent-harness.js';
import { RecordingPools } from '../../warmup/testing/recording-pools.js';
import { WorkshopWarmer } from '../../warmup/workshop-warmer.js';
import { memoryWorkshopStores } from '../../workshops/testing/memory-workshop-stores.js';
import { errorHandler } from '../error-handler.js';
import { workshopRouters } from '../routes/workshop-routers.js';

export interface WorkshopTestApp {
  base: string;
  config: Config;
  stores: ReturnType<typeof memoryWorkshopStores>;
  /** Persistent servers over a FakeSpawner; its clock is set to now. */
  servers: PersistentHarness;
  /** The hand-offs that opening a server makes when `serverOrigin` is set. */
  handoffs: MemoryServerHandoffStore;
  close(): Promise<void>;
}

/** The organizer, workshop and attendee routes on port 0, with in-memory stores and a fake spawner (no Redis, no Docker). */
export async function startWorkshopTestApp(overrides: Record<string, unknown> = {}): Promise<WorkshopTestApp> {
  const config = loadConfig({ env: {}, overrides: { logLevel: 'silent', ...overrides } });
  const stores = memoryWorkshopStores();
  const logger = silentLogger();
  const servers = persistentHarness({ workshopStore: stores.workshops });
  servers.clock.now = Date.now();
  const app = new Koa({ proxy: config.trustProxy });
  app.silent = true;
  app.use(errorHandler(logger));
  const serverHandoffs = new MemoryServerHandoffStore();
  const warmer = new WorkshopWarmer({
    config, sessions: servers.sessions, workshops: stores.workshops, attendees: stores.attendees, images: servers.images, pools: new RecordingPools(),
    servers: servers.servers, persistentStore: servers.store, logger,
  });
  for (const router of workshopRouters({ config, logger, rateLimiter: new MemoryRateLimiter(), workshopStores: stores, workshopServers: servers.workshopServers, warmer, serverHandoffs })) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    config,
    stores,
    servers,
    handoffs: serverHandoffs,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `name=value` of the cookie `name` that a response sets, for sending it back. */
export function cookieFrom(response: Response, name: string): string | undefined {
  const line = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`));
  return line?.split(';')[0];
}

/** What a browser holds after opening a sign-in page: the form's cookie (`name=value`) and its `_csrf` field. */
export async function openSignInForm(base: string, path: string, headers: Record<string, string> = {}): Promise<{ cookie: string; csrf: string }> {
  const page = await fetch(`${base}${path}`, { headers: { accept: 'text/html', ...headers } });
  const cookie = cookieFrom(page, 'nblaunch_form') ?? headers.cookie ?? '';
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return { cookie, csrf };
}

/** Fills in and sends the sign-in form at `path` as a browser does: its page first, then the post with the form's token. */
export async function postSignInForm(base: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  const form = await openSignInForm(base, path, headers);
  return fetch(`${base}${path}`, {
    method: 'POST', redirect: 'manual',
    headers: { accept: 'text/html', ...headers, 'content-type': 'application/x-www-form-urlencoded', cookie: [headers.cookie, form.cookie].filter(Boolean).join('; ') },
    body: new URLSearchParams({ ...fields, _csrf: form.csrf }),
  });
}
