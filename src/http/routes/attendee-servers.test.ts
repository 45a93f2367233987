import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOrganizerToken } from '../../auth/organizer-tokens.js';
import { cookieFrom, startWorkshopTestApp, type WorkshopTestApp } from '../testing/workshop-test-app.js';

const html = { accept: 'text/html' };

describe('attendees\' persistent servers over HTTP (fake spawner)', () => {
  let app: WorkshopTestApp;
  let bearer: Record<string, string>;
  const api = (path: string, init: RequestInit = {}) => fetch(`${app.base}${path}`, { ...init, headers: { ...bearer, 'content-type': 'application/json', ...init.headers as Record<string, string> } });

  /** A workshop with attendees; each signed in: their cookie and the page's CSRF token. */
  async function workshopWith(slug: string, emails: string[], extra: Record<string, unknown> = {}) {
    await api('/api/workshops', { method: 'POST', body: JSON.stringify({ slug, title: slug, startsAt: '2020-05-01T09:00:00Z', endsAt: '2099-05-01T17:00:00Z', ...extra }) });
    const csv = await (await api(`/api/workshops/${slug}/attendees?links=csv`, { method: 'POST', body: JSON.stringify(emails.map((email) => ({ name: email.split('@')[0], email }))) })).text();
    const links = csv.trim().split('\n').slice(1).map((row) => row.split(',').pop()!.replace('http://placeholder.invalid', app.base));
    const people = [];
    for (const link of links) {
      const cookie = cookieFrom(await fetch(link, { redirect: 'manual' }), `nblaunch_w_${slug}`)!;
      const page = await (await fetch(`${app.base}/w/${slug}`, { headers: { ...html, cookie } })).text();
      people.push({ cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1]! });
    }
    const listed = await (await api(`/api/workshops/${slug}/attendees`)).json() as { attendees: Array<{ id: string; email: string }> };
    return people.map((person, index) => ({ ...person, id: listed.attendees.find((row) => row.email === emails[index])!.id }));
  }

  const open = (slug: string, person: { cookie: string; csrf: string }, headers: Record<string, string> = html) => fetch(`${app.base}/w/${slug}/open`, {
    method: 'POST', redirect: 'manual', headers: { ...headers, cookie: person.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: person.csrf }),
  });

  before(async () => {
    app = await startWorkshopTestApp({ auth: { signInAttemptsPerMinute: 1000 }, publicUrl: 'http://placeholder.invalid' });
    bearer = { authorization: `Bearer ${(await createOrganizerToken(app.stores.organizerTokens, 'alice')).token}` };
  });
  after(() => app.close());

  it('opens a signed-in attendee\'s server and sends the browser into it, at the workshop\'s file the first time', async () => {
    const [ann] = await workshopWith('files', ['ann@example.org'], { repo: { url: 'https://github.com/owner/course', file: 'day 1/intro.ipynb' } });
    const first = await open('files', ann!);
    assert.equal(first.status, 303);
    assert.match(first.headers.get('location')!, new RegExp(`^/s/ws-files-${ann!.id}/tree/day%201/intro.ipynb\\?token=[0-9a-f]{48}$`));
    const again = await open('files', ann!);
    assert.match(again.headers.get('location')!, new RegExp(`^/s/ws-files-${ann!.id}/tree\\?token=`));
    const json = await open('files', ann!, { accept: 'application/json' });
    const body = await json.json() as { id: string; url: string; started: boolean };
    assert.deepEqual([body.id, body.url, body.started], [`ws-files-${ann!.id}`, `http://placeholder.invalid/s/ws-files-${ann!.id}/`, false]);
  });

  it('refuses to open without the page\'s CSRF token, and sends visitors without a sign-in to it', async () => {
    const [ann] = await workshopWith('guarded', ['ann@example.org']);
    assert.equal((await open('guarded', { cookie: ann!.cookie, csrf: 'wrong' })).status, 403);
    const anonymous = await open('guarded', { cookie: '', csrf: 'x' });
    assert.equal(anonymous.status, 303);
    assert.equal(anonymous.headers.get('location'), '/w/guarded/sign-in');
    assert.equal((await open('guarded', { cookie: '', csrf: 'x' }, { accept: 'application/json' })).status, 401);
    assert.equal(app.servers.spawner.running().filter((id) => id.startsWith('ws-guarded-')).length, 0);
  });

  it('gives the dashboard each attendee\'s server status, and lets organizers start, stop and restart it', async () => {
    const [ann, bob] = await workshopWith('board', ['ann@example.org', 'bob@example.org']);
    await open('board', ann!);
    const status = async () => new Map(((await (await api('/api/workshops/board/attendees')).json()) as { attendees: Array<{ id: string; server: { status: string } }> }).attendees.map((row) => [row.id, row.server.status]));
    assert.deepEqual([...(await status()).values()], ['running', 'never-started']);

    const started = await (await api(`/api/workshops/board/attendees/${bob!.id}/server/start`, { method: 'POST' })).json() as { server: { status: string }; url: string; open: string; token: string };
    assert.equal(started.server.status, 'running');
    assert.equal(started.url, `http://placeholder.invalid/s/ws-board-${bob!.id}/`);
    assert.equal(started.open, `${started.url}tree?token=${started.token}`, 'on one origin, the page itself');
    const stopped = await (await api(`/api/workshops/board/attendees/${ann!.id}/server/stop`, { method: 'POST' })).json() as { server: { status: string; lastActivity: string } };
    assert.equal(stopped.server.status, 'stopped');
    assert.ok(stopped.server.lastActivity);
    assert.equal((await api(`/api/workshops/board/attendees/${ann!.id}/server/restart`, { method: 'POST' })).status, 200);
    assert.equal((await status()).get(ann!.id), 'running');
    assert.equal((await api(`/api/workshops/board/attendees/${ann!.id}/server/explode`, { method: 'POST' })).status, 404);
    assert.equal((await api('/api/workshops/board/attendees/nobody/server/start', { method: 'POST' })).status, 404);
  });

  it('ends: every server stops, the volumes stay; deleting the volumes comes only after the end, and before deleting the workshop', async () => {
    const [ann, bob] = await workshopWith('closing', ['ann@example.org', 'bob@example.org']);
    await open('closing', ann!);
    await open('closing', bob!);
    const early = await api('/api/workshops/closing/volumes', { method: 'DELETE' });
    assert.equal(early.status, 409);
    assert.equal((await early.json() as { reason: string }).reason, 'workshop-not-ended');

    const ended = await (await api('/api/workshops/closing/end', { method: 'POST' })).json() as { serversStopped: number };
    assert.equal(ended.serversStopped, 2);
    assert.equal(app.servers.spawner.running().filter((id) => id.startsWith('ws-closing-')).length, 0);
    assert.equal((await app.servers.spawner.volumes.list('closing')).length, 2);
    assert.equal((await open('closing', ann!)).status, 410);

    const kept = await api('/api/workshops/closing', { method: 'DELETE' });
    assert.equal((await kept.json() as { reason: string }).reason, 'volumes-remain');
    const exported = await api('/api/workshops/closing/export');
    assert.equal(exported.headers.get('content-type'), 'application/gzip');
    assert.match(exported.headers.get('content-disposition')!, /closing-work\.tar\.gz/);
    assert.deepEqual(app.servers.spawner.volumes.archives.at(-1)?.map((entry) => entry.folder).sort(), [`ann-${ann!.id}`, `bob-${bob!.id}`]);
    assert.deepEqual(await (await api('/api/workshops/closing/volumes', { method: 'DELETE' })).json(), { volumesDeleted: 2 });
    assert.equal((await api('/api/workshops/closing', { method: 'DELETE' })).status, 204);
  });

  it('lets an attendee download their own work once they have some, and nobody else\'s', async () => {
    const [ann] = await workshopWith('mine', ['ann@example.org']);
    const download = () => fetch(`${app.base}/w/mine/my-work.tar.gz`, { headers: { cookie: ann!.cookie } });
    assert.equal((await download()).status, 404);
    await open('mine', ann!);
    const archive = await download();
    assert.equal(archive.status, 200);
    assert.match(archive.headers.get('content-disposition')!, /mine-my-work\.tar\.gz/);
    assert.deepEqual(app.servers.spawner.volumes.archives.at(-1), [{ volume: `nblaunch-default-ws-mine-${ann!.id}`, folder: `ann-${ann!.id}` }]);
    assert.equal((await fetch(`${app.base}/w/mine/my-work.tar.gz`, { redirect: 'manual' })).status, 401);
  });

  it('stops a removed attendee\'s server, and keeps their files', async () => {
    const [ann] = await workshopWith('leaving', ['ann@example.org']);
    await open('leaving', ann!);
    assert.equal((await api(`/api/workshops/leaving/attendees/${ann!.id}`, { method: 'DELETE' })).status, 204);
    assert.equal(app.servers.spawner.servers.get(`ws-leaving-${ann!.id}`)?.state, 'stopped');
    assert.equal((await app.servers.spawner.volumes.list('leaving')).length, 1);
  });
});
