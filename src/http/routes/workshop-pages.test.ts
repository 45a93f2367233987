import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOrganizerToken } from '../../auth/organizer-tokens.js';
import { cookieFrom, startWorkshopTestApp, type WorkshopTestApp } from '../testing/workshop-test-app.js';

const html = { accept: 'text/html' };

describe('the workshop link /w/<slug>', () => {
  let app: WorkshopTestApp;
  let bearer: Record<string, string>;
  const api = (path: string, init: RequestInit = {}) => fetch(`${app.base}${path}`, { ...init, headers: { ...bearer, 'content-type': 'application/json', ...init.headers as Record<string, string> } });
  const create = (slug: string, extra: Record<string, unknown> = {}) => api('/api/workshops', {
    method: 'POST', body: JSON.stringify({ slug, title: `Workshop <${slug}>`, startsAt: '2030-05-01T09:00:00Z', endsAt: '2099-05-01T17:00:00Z', ...extra }),
  });
  const join = async (slug: string, email: string) => {
    const response = await api(`/api/workshops/${slug}/attendees?links=csv`, { method: 'POST', body: JSON.stringify([{ name: 'Ann <b>Lee</b>', email }]) });
    const link = (await response.text()).trim().split('\n')[1]!.split(',').pop()!;
    return fetch(link.replace('http://placeholder.invalid', app.base), { redirect: 'manual' });
  };

  before(async () => {
    app = await startWorkshopTestApp({ auth: { signInAttemptsPerMinute: 1000 }, publicUrl: 'http://placeholder.invalid' });
    bearer = { authorization: `Bearer ${(await createOrganizerToken(app.stores.organizerTokens, 'alice')).token}` };
    await create('plain');
  });
  after(() => app.close());

  it('launches the default image like the home page, while anonymous', async () => {
    const page = await fetch(`${app.base}/w/plain`, { headers: html });
    assert.equal(page.status, 200);
    const text = await page.text();
    assert.match(text, /<h1 id="workshop-title">Workshop &#60;plain&#62;<\/h1>/, 'the title is escaped');
    assert.match(text, /your own notebook server for this workshop: no account needed/);
    const launch = await fetch(`${app.base}/w/plain/launch`, { redirect: 'manual' });
    assert.equal(launch.headers.get('location'), '/launch');
  });

  it('answers 404 for an unknown or malformed slug, and 410 once the workshop is over', async () => {
    assert.equal((await fetch(`${app.base}/w/nope`)).status, 404);
    assert.equal((await fetch(`${app.base}/w/NOPE!`)).status, 404);
    await create('over');
    await api('/api/workshops/over/end', { method: 'POST' });
    const page = await fetch(`${app.base}/w/over`, { headers: html });
    assert.equal(page.status, 410);
    assert.match(await page.text(), /This link no longer works/);
    assert.equal((await fetch(`${app.base}/w/over/launch`, { redirect: 'manual' })).status, 410);
  });

  it('shows a signed-in attendee their name, "Open my server" and the download of their work', async () => {
    await create('named');
    const joined = await join('named', 'ann@example.org');
    assert.equal(joined.status, 303);
    const cookie = cookieFrom(joined, 'nblaunch_w_named')!;
    const page = await fetch(`${app.base}/w/named`, { headers: { ...html, cookie } });
    const text = await page.text();
    assert.match(text, /Signed in as <strong>Ann &#60;b&#62;Lee&#60;\/b&#62;<\/strong>/);
    assert.match(text, /<form method="post" action="\/w\/named\/open" id="workshop-open-form">/);
    assert.match(text, /<button type="submit" class="primary" id="workshop-open">Open my server<\/button>/);
    assert.match(text, /starts the first time you open it/);
    assert.match(text, /href="\/w\/named\/my-work.tar.gz"/);
    assert.equal(page.headers.get('cache-control'), 'no-store');

    const elsewhere = await fetch(`${app.base}/w/plain`, { headers: { ...html, cookie: cookie.replace('nblaunch_w_named', 'nblaunch_w_plain') } });
    assert.doesNotMatch(await elsewhere.text(), /Signed in as/, 'a session for one workshop is nothing in another');
  });

  it('signs an attendee out only with the page\'s CSRF token', async () => {
    await create('leave');
    const cookie = cookieFrom(await join('leave', 'ann@example.org'), 'nblaunch_w_leave')!;
    const page = await (await fetch(`${app.base}/w/leave`, { headers: { ...html, cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const form = { 'content-type': 'application/x-www-form-urlencoded', cookie };
    const refused = await fetch(`${app.base}/w/leave/sign-out`, { method: 'POST', headers: form, body: '_csrf=wrong', redirect: 'manual' });
    assert.equal(refused.status, 403);
    const out = await fetch(`${app.base}/w/leave/sign-out`, { method: 'POST', headers: form, body: new URLSearchParams({ _csrf: csrf }), redirect: 'manual' });
    assert.equal(out.status, 303);
    const after = await fetch(`${app.base}/w/leave`, { headers: { ...html, cookie }, redirect: 'manual' });
    assert.equal(after.headers.get('location'), '/w/leave/sign-in');
  });

  it('signs a registered attendee in with the room\'s code and their email; says plainly what is wrong otherwise', async () => {
    const created = await (await create('codes')).json() as { accessCode: string };
    assert.match(created.accessCode, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await join('codes', 'ann@example.org');
    const ask = (code: string, email: string) => fetch(`${app.base}/w/codes/sign-in`, {
      method: 'POST', headers: { ...html, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ code, email }), redirect: 'manual',
    });

    const signedIn = await ask(` ${created.accessCode.toLowerCase().replace('-', ' ')} `, 'Ann@Example.org');
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.headers.get('location'), '/w/codes');
    const cookie = cookieFrom(signedIn, 'nblaunch_w_codes')!;
    const page = await fetch(`${app.base}/w/codes`, { headers: { ...html, cookie } });
    assert.match(await page.text(), /Open my server/);

    const slugAsCode = await ask('codes', 'ann@example.org');
    assert.equal(slugAsCode.status, 400, 'the slug is in the link: it is no code');
    assert.match(await slugAsCode.text(), /not this workshop&#39;s code/);
    const unknown = await ask(created.accessCode, 'zed@example.org');
    assert.equal(unknown.status, 400);
    assert.match(await unknown.text(), /zed@example.org is not registered for this workshop/);
    assert.equal((await ask(created.accessCode, 'nope')).status, 400);

    const renewed = await (await api('/api/workshops/codes/access-code', { method: 'POST' })).json() as { accessCode: string };
    assert.notEqual(renewed.accessCode, created.accessCode);
    assert.equal((await ask(created.accessCode, 'ann@example.org')).status, 400, 'the old code stops working');
    assert.equal((await ask(renewed.accessCode, 'ann@example.org')).status, 303);

    const off = await (await api('/api/workshops/codes/access-code', { method: 'DELETE' })).json() as { accessCode: string | null };
    assert.equal(off.accessCode, null);
    const personalOnly = await ask(renewed.accessCode, 'ann@example.org');
    assert.equal(personalOnly.status, 403);
    assert.match(await personalOnly.text(), /personal links only/);
    assert.equal((await fetch(`${app.base}/api/workshops/codes/access-code`, { method: 'POST' })).status, 401, 'organizers only');
  });

  it('refuses a removed attendee who signs in with the code', async () => {
    const { accessCode } = await (await create('removed')).json() as { accessCode: string };
    await join('removed', 'bob@example.org');
    const { attendees } = await (await api('/api/workshops/removed/attendees')).json() as { attendees: Array<{ id: string }> };
    assert.equal((await api(`/api/workshops/removed/attendees/${attendees[0]!.id}`, { method: 'DELETE' })).status, 204);
    const refused = await fetch(`${app.base}/w/removed/sign-in`, {
      method: 'POST', headers: { ...html, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ code: accessCode, email: 'bob@example.org' }),
    });
    assert.equal(refused.status, 410);
    assert.match(await refused.text(), /withdrawn by the organizer/);
  });
});
