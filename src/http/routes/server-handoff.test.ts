import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import { createOrganizerToken } from '../../auth/organizer-tokens.js';
import { silentLogger } from '../../log/testing.js';
import { AttendeeClient, OrganizerClient } from '../../testing/workshop-client.js';
import { errorHandler } from '../error-handler.js';
import { startWorkshopTestApp, type WorkshopTestApp } from '../testing/workshop-test-app.js';
import { serverHandoffRoute } from './server-handoff.js';

const servers = 'http://servers.placeholder.invalid';
const handoffUrl = (id: string) => new RegExp(`^${servers}/s/${id}/_nblaunch/handoff\\?code=[A-Za-z0-9_-]{43}$`);

describe('opening an attendee\'s server through the server origin (fake spawner)', () => {
  let app: WorkshopTestApp;
  let organizer: OrganizerClient;
  let redeemer: Server;
  let redeemBase = '';

  before(async () => {
    app = await startWorkshopTestApp({ auth: { signInAttemptsPerMinute: 1000 }, publicUrl: 'http://placeholder.invalid', serverOrigin: servers });
    organizer = new OrganizerClient(() => app.base, (await createOrganizerToken(app.stores.organizerTokens, 'alice')).token);
    const koa = new Koa();
    koa.use(errorHandler(silentLogger()));
    koa.use(serverHandoffRoute({ config: app.config, logger: silentLogger(), serverHandoffs: app.handoffs }));
    redeemer = koa.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => redeemer.once('listening', resolve));
    redeemBase = `http://127.0.0.1:${(redeemer.address() as AddressInfo).port}`;
  });
  after(async () => {
    await app.close();
    await new Promise<void>((resolve) => redeemer.close(() => resolve()));
  });

  /** The hand-off address's path and query, on the test's redeeming app. */
  const redeem = (open: string, headers: Record<string, string> = { accept: 'text/html' }) => fetch(`${redeemBase}${new URL(open).pathname}${new URL(open).search}`, { headers, redirect: 'manual' });

  it('sends the attendee to a one-time hand-off, which sets a cookie for their server only and opens its page', async () => {
    const links = await organizer.workshopWith('hand', [{ name: 'Ann', email: 'ann@example.org' }]);
    const ann = await AttendeeClient.signIn(() => app.base, 'hand', links.get('ann@example.org')!);
    const opened = await ann.openServer();
    assert.match(opened.open, handoffUrl(opened.id));
    const withoutCsrf = await ann.fetch('/w/hand/open', { method: 'POST', headers: { accept: 'text/html' } });
    assert.equal(withoutCsrf.status, 403, 'opening still needs the page\'s CSRF token');

    const redeemed = await redeem(opened.open);
    assert.equal(redeemed.status, 303);
    assert.equal(redeemed.headers.get('location'), `/s/${opened.id}/tree?token=${opened.token}`);
    assert.equal(redeemed.headers.get('referrer-policy'), 'no-referrer');
    const cookie = redeemed.headers.getSetCookie().find((line) => line.startsWith('nblaunch_server='));
    assert.match(cookie ?? '', new RegExp(`^nblaunch_server=[A-Za-z0-9_-]{43}; Path=/s/${opened.id}/; Max-Age=\\d+; HttpOnly; SameSite=Lax$`));
    assert.equal(app.handoffs.grants.size, 1);

    const replay = await redeem(opened.open);
    assert.equal(replay.status, 410);
    const page = await replay.text();
    assert.match(page, /already used, or it expired/);
    assert.match(page, /href="http:\/\/placeholder\.invalid\/w\/hand"/, 'the way back is the workshop page on the launcher\'s origin');
    const asJson = await redeem(opened.open, { accept: 'application/json' });
    assert.equal((await asJson.json() as { reason: string }).reason, 'handoff-expired');
  });

  it('refuses a code on another server\'s address (403), and a made-up code (410)', async () => {
    const links = await organizer.workshopWith('wrong', [{ name: 'Ann', email: 'ann@example.org' }, { name: 'Bob', email: 'bob@example.org' }]);
    const ann = await AttendeeClient.signIn(() => app.base, 'wrong', links.get('ann@example.org')!);
    const opened = await ann.openServer();
    const bobsId = `ws-wrong-${await organizer.attendeeId('wrong', 'bob@example.org')}`;
    const elsewhere = opened.open.replace(opened.id, bobsId);
    assert.equal((await redeem(elsewhere)).status, 403);
    assert.equal((await redeem(opened.open)).status, 410, 'a code tried on the wrong server is spent');
    assert.equal((await redeem(`${servers}/s/${opened.id}/_nblaunch/handoff?code=${'a'.repeat(43)}`)).status, 410);
    assert.equal((await redeem(`${servers}/s/${opened.id}/_nblaunch/handoff`)).status, 410);
  });

  it('answers the server-origin address in the API, and gives organizers a hand-off of their own', async () => {
    await organizer.workshopWith('board', [{ name: 'Ann', email: 'ann@example.org' }]);
    const id = await organizer.attendeeId('board', 'ann@example.org');
    const started = await organizer.json<{ url: string; open: string; token: string }>(`/api/workshops/board/attendees/${id}/server/start`, { method: 'POST' });
    assert.equal(started.url, `${servers}/s/ws-board-${id}/`);
    assert.match(started.open, handoffUrl(`ws-board-${id}`));
    const redeemed = await redeem(started.open);
    assert.equal(redeemed.status, 303);
    assert.equal(redeemed.headers.get('location'), `/s/ws-board-${id}/tree?token=${started.token}`);
  });
});
