import { ActivityRecorder } from '../../proxy/activity-recorder.js';
import { Culler } from '../../sessions/culler.js';
import { Reconciler } from '../../sessions/reconciler.js';
import { sessionHarness, type SessionHarnessOptions } from '../../sessions/testing/session-harness.js';
import type { Attendee } from '../../workshops/attendee.js';
import { MemoryWorkshopStore } from '../../workshops/testing/memory-workshop-store.js';
import type { WorkshopStore } from '../../workshops/workshop-store.js';
import type { Workshop } from '../../workshops/workshop.js';
import { PersistentServers } from '../persistent-servers.js';
import { WorkshopServers } from '../workshop-servers.js';
import { FixedWorkshopImages } from './fixed-workshop-images.js';
import { MemoryPersistentServerStore } from './memory-persistent-server-store.js';

export const idleMs = 600_000;

export function workshopOn(clockNow: number, slug = 'intro-py', extra: Partial<Workshop> = {}): Workshop {
  return {
    slug, title: `Workshop ${slug}`, startsAt: new Date(clockNow - 3600_000).toISOString(), endsAt: new Date(clockNow + 8 * 3600_000).toISOString(),
    limits: { memoryMb: 768, cpus: 0.5 }, createdAt: new Date(clockNow - 86_400_000).toISOString(), ...extra,
  };
}

export function attendee(id: string, name = `Name ${id}`, workshop = 'intro-py'): Attendee {
  return { id, workshop, name, email: `${id}@example.org`, createdAt: '2025-01-01T00:00:00.000Z', inviteVersion: 1, inviteIssuedAt: '2025-01-01T00:00:00.000Z' };
}

/**
 * The session harness with persistent servers: their store, a workshop store holding one
 * workshop, fixed images, and a culler and a reconciler that know about them.
 */
export function persistentHarness(options: SessionHarnessOptions & { workshopStore?: WorkshopStore } = {}) {
  const h = sessionHarness({ ...options, settings: { cull: { idleTimeoutSeconds: idleMs / 1000 }, capacity: { maxServers: 10, maxServersPerIp: 10 }, ...options.settings } });
  const store = new MemoryPersistentServerStore();
  const workshopStore = options.workshopStore ?? new MemoryWorkshopStore();
  const images = new FixedWorkshopImages();
  const activity = new ActivityRecorder(h.routeStore, h.logger);
  const servers = new PersistentServers({
    config: h.config, store, workshops: workshopStore, sessions: h.sessions, routes: h.routes, spawner: h.spawner,
    starter: h.manager.starter, images, activity, logger: h.logger, now: h.now, homeVolumes: h.spawner.volumes,
  });
  const workshopServers = new WorkshopServers({
    servers, store, sessions: h.sessions, routes: h.routes, spawner: h.spawner, volumes: h.spawner.volumes, activity, logger: h.logger, now: h.now,
  });
  const culler = new Culler({
    sessions: h.sessions, routes: h.routes, activity, manager: h.manager, persistent: servers, probe: async () => null,
    logger: h.logger, idleTimeoutMs: idleMs, intervalMs: 60_000, now: h.now,
  });
  const reconciler = new Reconciler({
    spawner: h.spawner, sessions: h.sessions, routes: h.routes, manager: h.manager, persistent: servers, logger: h.logger,
    staleReservationMs: 90_000, intervalMs: 60_000,
  });
  const workshop = workshopOn(h.clock.now);
  return {
    ...h, store, workshopStore, images, activity, servers, workshopServers, culler, reconciler, workshop,
    /** Saves the harness's workshop (or another) in the workshop store. */
    async addWorkshop(saved: Workshop = workshop): Promise<Workshop> {
      await workshopStore.create(saved);
      return saved;
    },
  };
}

export type PersistentHarness = ReturnType<typeof persistentHarness>;
