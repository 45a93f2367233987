import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOrganizerToken } from '../../auth/organizer-tokens.js';
import { cookieFrom, openSignInForm, postSignInForm, startWorkshopTestApp, type WorkshopTestApp } from '../testing/workshop-test-app.js';

const html = { accept: 'text/html' };

describe('the workshop link /w/<slug>', () => {
  let app: WorkshopTestApp;
  let bearer: Record<string, string>;
  const api = (path: string, init: RequestInit = {}) => fetch(`${app.base}${path}`, { ...init, headers: { ...bearer, 'content-type': 'application/json', ...init.headers as Record<string, string> } });
  const create = (slug: string, extra: Record<string, unknown> = {}) => api('/api/workshops', {
    method: 'POST', body: JSON.stringify({ slug, title: `Workshop <${slug}>`, startsAt: '2030-05-01T09:00:00Z', endsAt: '2099-05-01T17:00:00Z', ...extra }),
  });
  /** Registers an attendee; resolves to their personal link's path. */
  const register = async (slug: string, email: string, name = 'Ann <b>Lee</b>') => {
    const response = await api(`/api/workshops/${slug}/attendees?links=csv`, { method: 'POST', body: JSON.stringify([{ name, email }]) });
    return (await response.text()).trim().split('\n')[1]!.split(',').pop()!.replace('http://placeholder.invalid', '');
  };
  const join = async (slug: string, email: string, headers: Record<string, string> = {}) => fetch(`${app.base}${await register(slug, email)}`, { redirect: 'manual', headers });

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
    for (const email of ['ann@example.org', 'bob@example.org', 'cy@example.org']) await register('codes', email);
    const ask = (code: string, email: string) => postSignInForm(app.base, '/w/codes/sign-in', { code, email });

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
    assert.equal((await ask(created.accessCode, 'bob@example.org')).status, 400, 'the old code stops working');
    assert.equal((await ask(renewed.accessCode, 'bob@example.org')).status, 303);

    const off = await (await api('/api/workshops/codes/access-code', { method: 'DELETE' })).json() as { accessCode: string | null };
    assert.equal(off.accessCode, null);
    const personalOnly = await ask(renewed.accessCode, 'cy@example.org');
    assert.equal(personalOnly.status, 403);
    assert.match(await personalOnly.text(), /personal links only/);
    assert.equal((await fetch(`${app.base}/api/workshops/codes/access-code`, { method: 'POST' })).status, 401, 'organizers only');
  });

  it('refuses a removed attendee who signs in with the code', async () => {
    const { accessCode } = await (await create('removed')).json() as { accessCode: string };
    await register('removed', 'bob@example.org');
    const { attendees } = await (await api('/api/workshops/removed/attendees')).json() as { attendees: Array<{ id: string }> };
    assert.equal((await api(`/api/workshops/removed/attendees/${attendees[0]!.id}`, { method: 'DELETE' })).status, 204);
    const refused = await postSignInForm(app.base, '/w/removed/sign-in', { code: accessCode, email: 'bob@example.org' });
    assert.equal(refused.status, 410);
    assert.match(await refused.text(), /withdrawn by the organizer/);
  });

  it('lets the code claim a seat once: a second sign-in as the same attendee is refused, the first browser stays in; re-issuing releases it', async () => {
    const { accessCode } = await (await create('claims')).json() as { accessCode: string };
    const annLink = await register('claims', 'ann@example.org');
    const bobLink = await register('claims', 'bob@example.org', 'Bob');
    const ask = (email: string) => postSignInForm(app.base, '/w/claims/sign-in', { code: accessCode, email });

    const first = await ask('ann@example.org');
    assert.equal(first.status, 303);
    const annCookie = cookieFrom(first, 'nblaunch_w_claims')!;
    const { attendees } = await (await api('/api/workshops/claims/attendees')).json() as { attendees: Array<{ id: string; email: string; claimedAt: string | null }> };
    const ann = attendees.find((attendee) => attendee.email === 'ann@example.org')!;
    assert.match(ann.claimedAt ?? '', /^\d{4}-/, 'the dashboard sees the seat as claimed');

    const second = await ask('ann@example.org');
    assert.equal(second.status, 409);
    assert.match(await second.text(), /Someone already signed in as ann@example.org.*personal link.*re-issue/s);
    assert.equal(cookieFrom(second, 'nblaunch_w_claims'), undefined, 'no session for the second claimer');
    assert.match(await (await fetch(`${app.base}/w/claims`, { headers: { ...html, cookie: annCookie } })).text(), /Open my server/, 'the first browser keeps its session');

    const viaLink = await fetch(`${app.base}${annLink}`, { redirect: 'manual' });
    assert.equal(viaLink.status, 303, 'the personal link still signs its owner in');

    const bob = await fetch(`${app.base}${bobLink}`, { redirect: 'manual' });
    assert.equal(bob.status, 303);
    assert.equal((await ask('bob@example.org')).status, 409, 'signing in by personal link claims the seat too');

    await api(`/api/workshops/claims/attendees/${ann.id}/reissue`, { method: 'POST' });
    assert.equal((await api('/api/workshops/claims/attendees').then((response) => response.json()) as { attendees: Array<{ id: string; claimedAt: string | null }> }).attendees.find((attendee) => attendee.id === ann.id)!.claimedAt, null, 're-issuing releases the seat');
    assert.equal((await ask('ann@example.org')).status, 303, 'and the code signs in once more');
    assert.equal((await ask('ann@example.org')).status, 409);
  });

  it('refuses a workshop sign-in post from another site or without its form\'s token', async () => {
    const { accessCode } = await (await create('forged')).json() as { accessCode: string };
    await register('forged', 'ann@example.org');
    const bare = await fetch(`${app.base}/w/forged/sign-in`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ code: accessCode, email: 'ann@example.org' }),
    });
    assert.equal(bare.status, 403);
    assert.equal(((await bare.json()) as { reason: string }).reason, 'sign-in-csrf');
    const crossSite = await postSignInForm(app.base, '/w/forged/sign-in', { code: accessCode, email: 'ann@example.org' }, { 'sec-fetch-site': 'cross-site', accept: 'application/json' });
    assert.equal(crossSite.status, 403);
    assert.equal(cookieFrom(crossSite, 'nblaunch_w_forged'), undefined);
    assert.equal((await postSignInForm(app.base, '/w/forged/sign-in', { code: accessCode, email: 'ann@example.org' })).status, 303, 'the seat was not taken by the refused posts');
  });

  it('a personal link signs a fresh browser in at once, but asks a browser signed in as someone else, with a CSRF-protected form', async () => {
    await create('switch');
    const annLink = await register('switch', 'ann@example.org', 'Ann');
    const bobLink = await register('switch', 'bob@example.org', 'Bob <i>B</i>');
    const fresh = await fetch(`${app.base}${annLink}`, { redirect: 'manual' });
    assert.equal(fresh.status, 303, 'one click for a fresh browser');
    const annCookie = cookieFrom(fresh, 'nblaunch_w_switch')!;
    assert.equal((await fetch(`${app.base}${annLink}`, { redirect: 'manual', headers: { cookie: annCookie } })).status, 303, 'the same attendee\'s own link: no question');

    const asked = await fetch(`${app.base}${bobLink}`, { redirect: 'manual', headers: { ...html, cookie: annCookie } });
    assert.equal(asked.status, 200);
    assert.equal(cookieFrom(asked, 'nblaunch_w_switch'), undefined, 'not signed in as Bob by the link alone');
    assert.equal(asked.headers.get('referrer-policy'), 'no-referrer');
    const page = await asked.text();
    assert.match(page, /signed in to this workshop as <strong>Ann<\/strong>/);
    assert.match(page, /Continue as Bob &#60;i&#62;B&#60;\/i&#62;/);
    assert.match(await (await fetch(`${app.base}/w/switch`, { headers: { ...html, cookie: annCookie } })).text(), /Signed in as <strong>Ann<\/strong>/, 'still Ann');

    const formCookie = cookieFrom(asked, 'nblaunch_form')!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const invite = new URLSearchParams(bobLink.split('?')[1]).get('invite')!;
    const confirm = (cookie: string, body: Record<string, string>, headers: Record<string, string> = {}) => fetch(`${app.base}/w/switch/join`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', cookie, ...headers }, body: new URLSearchParams(body),
    });
    const forged = await confirm(annCookie, { invite });
    assert.equal(forged.status, 403, 'a cross-site post of the confirmation is refused');
    assert.equal(((await forged.json()) as { reason: string }).reason, 'sign-in-csrf');
    assert.equal((await confirm(`${annCookie}; ${formCookie}`, { invite, _csrf: csrf }, { 'sec-fetch-site': 'cross-site' })).status, 403);
    const confirmed = await confirm(`${annCookie}; ${formCookie}`, { invite, _csrf: csrf });
    assert.equal(confirmed.status, 303);
    const bobCookie = cookieFrom(confirmed, 'nblaunch_w_switch')!;
    assert.match(await (await fetch(`${app.base}/w/switch`, { headers: { ...html, cookie: bobCookie } })).text(), /Signed in as <strong>Bob/);
  });
});
