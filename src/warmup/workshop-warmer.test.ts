import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LauncherError } from '../errors/launcher-error.js';
import { attendee, persistentHarness, workshopOn } from '../persistent/testing/persistent-harness.js';
import { MemoryAttendeeStore } from '../workshops/testing/memory-attendee-store.js';
import type { Workshop } from '../workshops/workshop.js';
import { RecordingPools } from './testing/recording-pools.js';
import { WorkshopWarmer, workshopPoolKey } from './workshop-warmer.js';

const minute = 60_000;

function warmerHarness(options: { maxServers?: number; startsInMs?: number; warmServers?: number } = {}) {
  const t = persistentHarness({ settings: { capacity: { maxServers: options.maxServers ?? 10, maxServersPerIp: 10 }, workshops: { warmupMinutes: 30 } } });
  const attendees = new MemoryAttendeeStore();
  const pools = new RecordingPools();
  const startsAt = t.clock.now + (options.startsInMs ?? 10 * minute);
  const workshop: Workshop = workshopOn(t.clock.now, 'intro-py', {
    startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + 3 * 3600_000).toISOString(),
    ...(options.warmServers !== undefined ? { warmServers: options.warmServers } : {}),
  });
  const warmer = new WorkshopWarmer({
    config: t.config, sessions: t.sessions, workshops: t.workshopStore, attendees, images: t.images, pools,
    servers: t.servers, persistentStore: t.store, logger: t.logger, now: t.now, retryAfterMs: 5 * minute,
  });
  return {
    ...t, attendees, pools, warmer, workshop,
    async register(...ids: string[]): Promise<void> {
      for (const [index, id] of ids.entries()) {
        await attendees.add({ ...attendee(id), createdAt: new Date(Date.UTC(2025, 0, 1, 0, index)).toISOString() }, `hash-${id}`);
      }
    },
    async pass(): Promise<void> {
      await warmer.passOnce();
      await warmer.settled();
    },
    async state() {
      return warmer.status((await t.workshopStore.get(workshop.slug))!);
    },
  };
}

describe('WorkshopWarmer', () => {
  it('does nothing before the lead time, and says when the warm-up begins', async () => {
    const t = warmerHarness({ startsInMs: 2 * 3600_000 });
    await t.addWorkshop(t.workshop);
    await t.pass();
    assert.deepEqual(t.images.asked, []);
    assert.equal(t.pools.sizes.size, 0);
    const status = await t.state();
    assert.equal(status.state, 'scheduled');
    assert.equal(status.beginsAt, new Date(Date.parse(t.workshop.startsAt) - 30 * minute).toISOString());
  });

  it('keeps a pool of the workshop\'s image while its link is anonymous', async () => {
    const t = warmerHarness({ warmServers: 4 });
    await t.addWorkshop(t.workshop);
    await t.pass();
    assert.deepEqual(t.pools.sizes.get(workshopPoolKey('intro-py')), { image: 'nblaunch/test:1', size: 4 });
    assert.deepEqual(await t.state(), {
      state: 'warming', beginsAt: new Date(Date.parse(t.workshop.startsAt) - 30 * minute).toISOString(), image: 'nblaunch/test:1',
      servers: { wanted: 4, running: 0 },
    });
    t.pools.ready.set(workshopPoolKey('intro-py'), 4);
    assert.equal((await t.state()).state, 'ready');
  });

  it('starts the registered attendees\' own servers once sign-in is on, and drops the anonymous pool', async () => {
    const t = warmerHarness({ warmServers: 2 });
    await t.addWorkshop(t.workshop);
    await t.pass();
    await t.register('annannannannann0', 'bobbobbobbobbob0', 'carcarcarcarcar0');
    await t.pass();

    assert.equal(t.pools.sizes.get(workshopPoolKey('intro-py'))?.size, 0, 'unclaimed pooled servers would serve nobody');
    assert.deepEqual([...t.spawner.servers.keys()].sort(), ['ws-intro-py-annannannannann0', 'ws-intro-py-bobbobbobbobbob0'], 'the first two registered');
    const status = await t.state();
    assert.deepEqual([status.state, status.servers], ['ready', { wanted: 2, running: 2 }]);
    const session = await t.sessions.get('ws-intro-py-annannannannann0');
    assert.equal(session?.idleFrom, Date.parse(t.workshop.startsAt), 'idle time counts from the start of the workshop');

    await t.pass();
    assert.equal(t.spawner.starts.length, 2, 'a warm workshop starts nothing more');
  });

  it('hands a warmed server to its attendee without a start, opening the workshop\'s file the first time', async () => {
    const t = warmerHarness({ warmServers: 1 });
    await t.addWorkshop(t.workshop);
    await t.register('annannannannann0');
    await t.pass();
    const owner = { workshop: 'intro-py', attendeeId: 'annannannannann0' };
    const first = await t.servers.open(t.workshop, owner);
    assert.deepEqual([first.started, first.fresh], [false, true]);
    const again = await t.servers.open(t.workshop, owner);
    assert.deepEqual([again.started, again.fresh], [false, false]);
    assert.equal(t.spawner.starts.length, 1);
  });

  it('lets warmed servers idle only from the workshop\'s start, and never restarts one that idled out', async () => {
    const t = warmerHarness({ warmServers: 1, startsInMs: 20 * minute });
    await t.addWorkshop(t.workshop);
    await t.register('annannannannann0');
    await t.pass();
    const id = 'ws-intro-py-annannannannann0';

    t.advance(25 * minute);
    await t.culler.cullOnce();
    assert.equal((await t.store.get(id))?.state, 'running', 'not idle: the workshop began 5 minutes ago (idle limit 10)');

    t.advance(6 * minute);
    await t.culler.cullOnce();
    assert.equal((await t.store.get(id))?.state, 'stopped');
    await t.pass();
    assert.equal(t.spawner.starts.length, 1);
    assert.equal((await t.state()).state, 'ready', 'the warm-up did its part');
  });

  it('warms as many as capacity allows and says why the others wait', async () => {
    const t = warmerHarness({ maxServers: 2, warmServers: 3 });
    await t.addWorkshop(t.workshop);
    await t.register('annannannannann0', 'bobbobbobbobbob0', 'carcarcarcarcar0');
    await t.pass();
    assert.equal(t.spawner.servers.size, 2);
    const status = await t.state();
    assert.equal(status.state, 'warming');
    assert.deepEqual(status.servers, { wanted: 3, running: 2 });
    assert.match(status.message ?? '', /capacity\.maxServers.*2 of 3 are warm/);

    await t.servers.stop('ws-intro-py-annannannannann0', 'idle');
    await t.pass();
    assert.equal(t.spawner.servers.get('ws-intro-py-carcarcarcarcar0')?.state, 'running', 'the next pass uses the freed slot');
  });

  it('has a warmed server nobody opened give its slot to an attendee who is here; an opened one never does', async () => {
    const t = warmerHarness({ maxServers: 2, warmServers: 2 });
    await t.addWorkshop(t.workshop);
    await t.register('annannannannann0', 'bobbobbobbobbob0', 'carcarcarcarcar0', 'deedeedeedeedee0');
    await t.pass();
    const owner = (attendeeId: string) => ({ workshop: 'intro-py', attendeeId });

    t.advance(1000);
    const carl = await t.servers.open(t.workshop, owner('carcarcarcarcar0'));
    assert.equal(carl.started, true);
    const ann = await t.store.get('ws-intro-py-annannannannann0');
    assert.deepEqual([ann?.state, ann?.stopReason], ['stopped', 'made-room'], 'the longest-waiting unclaimed one gave way');

    const annAgain = await t.servers.open(t.workshop, owner('annannannannann0'));
    assert.deepEqual([annAgain.started, annAgain.fresh], [true, true], 'Ann gets her server back, at the workshop\'s file');
    assert.equal((await t.store.get('ws-intro-py-bobbobbobbobbob0'))?.stopReason, 'made-room');

    await assert.rejects(t.servers.open(t.workshop, owner('deedeedeedeedee0')), (error: LauncherError) => error.status === 429);
    assert.equal((await t.store.get('ws-intro-py-carcarcarcarcar0'))?.state, 'running', 'servers their attendees opened keep running');
  });

  it('reports a failed image with its reason, waits before trying again, and retries at once when asked', async () => {
    const t = warmerHarness();
    await t.addWorkshop(t.workshop);
    t.images.failure = new LauncherError(422, 'build-failed', 'pip could not find the package "nosuchpkg".');
    await t.pass();
    const failed = await t.state();
    assert.equal(failed.state, 'failed');
    assert.match(failed.message ?? '', /could not be made: pip could not find the package "nosuchpkg"/);

    t.images.failure = null;
    await t.pass();
    assert.equal(t.images.asked.length, 1, 'no rebuild on every pass');

    await t.warmer.warmNow('intro-py');
    await t.warmer.settled();
    assert.equal((await t.state()).state, 'warming');
  });

  it('warms early when an organizer asks, and refuses for a workshop that is over', async () => {
    const t = warmerHarness({ startsInMs: 5 * 3600_000, warmServers: 1 });
    await t.addWorkshop(t.workshop);
    await t.register('annannannannann0');
    const status = await t.warmer.warmNow('intro-py');
    assert.notEqual(status.state, 'scheduled');
    await t.warmer.settled();
    assert.equal((await t.state()).state, 'ready');
    assert.equal(t.spawner.servers.size, 1);

    await t.workshopStore.save({ ...t.workshop, endedAt: new Date(t.clock.now).toISOString() });
    await assert.rejects(t.warmer.warmNow('intro-py'), (error: LauncherError) => error.status === 409 && error.reason === 'workshop-over');
    await assert.rejects(t.warmer.warmNow('no-such'), (error: LauncherError) => error.status === 404);
    assert.equal((await t.state()).state, 'over');
  });

  it('drains the pool of a workshop that ended or was deleted', async () => {
    const t = warmerHarness({ warmServers: 2 });
    await t.addWorkshop(t.workshop);
    await t.addWorkshop({ ...workshopOn(t.clock.now, 'other-ws'), startsAt: t.workshop.startsAt, endsAt: t.workshop.endsAt, warmServers: 2 });
    await t.pass();
    assert.equal(t.pools.sizes.get(workshopPoolKey('other-ws'))?.size, 2);

    await t.workshopStore.remove('other-ws');
    await t.workshopStore.save({ ...t.workshop, endedAt: new Date(t.clock.now).toISOString() });
    await t.pass();
    assert.equal(t.pools.sizes.get(workshopPoolKey('other-ws'))?.size, 0);
    assert.equal(t.pools.sizes.get(workshopPoolKey('intro-py'))?.size, 0);
  });
});
