import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cookieFrom, openSignInForm, postSignInForm, startWorkshopTestApp, type WorkshopTestApp } from '../http/testing/workshop-test-app.js';
import { attendeeCookie, organizerCookie } from './cookies.js';
import { createOrganizerToken, revokeOrganizerToken } from './organizer-tokens.js';

const workshop = { slug: 'authz', title: 'Authorization', startsAt: '2030-01-01T09:00:00Z', endsAt: '2099-01-01T17:00:00Z' };
const json = { 'content-type': 'application/json' };

async function signIn(app: WorkshopTestApp, token: string): Promise<{ cookie: string; csrf: string }> {
  const response = await postSignInForm(app.base, '/organizer/sign-in', { token });
  assert.equal(response.status, 303);
  const cookie = cookieFrom(response, organizerCookie)!;
  const me = await fetch(`${app.base}/api/organizer/me`, { headers: { cookie } });
  return { cookie, csrf: ((await me.json()) as { csrfToken: string }).csrfToken };
}

describe('who may use the organizer API', () => {
  let app: WorkshopTestApp;
  let token: string;
  let tokenId: string;

  before(async () => {
    app = await startWorkshopTestApp({ auth: { signInAttemptsPerMinute: 1000 } });
    ({ token, id: tokenId } = await createOrganizerToken(app.stores.organizerTokens, 'alice'));
  });
  after(() => app.close());

  it('nobody: 401 JSON for the API, with a Bearer challenge', async () => {
    const response = await fetch(`${app.base}/api/workshops`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="nblaunch"');
    const body = await response.json() as { status: number; reason: string; message: string };
    assert.equal(body.status, 401);
    assert.equal(body.reason, 'sign-in-required');
    assert.match(body.message, /Authorization: Bearer/);
  });

  it('nobody, in a browser: sent to the sign-in page, which brings them back', async () => {
    const response = await fetch(`${app.base}/organizer`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/organizer/sign-in?next=%2Forganizer');
    const page = await fetch(`${app.base}/organizer/sign-in?next=%2Forganizer`);
    assert.match(await page.text(), /name="next" value="\/organizer"/);
  });

  it('a signed-in organizer gets the dashboard and a workshop\'s page, carrying the session\'s CSRF token; the old address leads there', async () => {
    const { cookie, csrf } = await signIn(app, token);
    const home = await fetch(`${app.base}/organizer`, { headers: { cookie, accept: 'text/html' } });
    assert.equal(home.status, 200);
    assert.equal(home.headers.get('cache-control'), 'no-store');
    const homeHtml = await home.text();
    assert.match(homeHtml, new RegExp(`id="dashboard" data-csrf="${csrf}"`));
    assert.match(homeHtml, /src="\/static\/organizer-dashboard\.js"/);
    const page = await fetch(`${app.base}/organizer/workshops/intro-python`, { headers: { cookie, accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(`data-csrf="${csrf}" data-slug="intro-python"`));
    const old = await fetch(`${app.base}/organizer/account`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(old.status, 303);
    assert.equal(old.headers.get('location'), '/organizer');
    const anonymous = await fetch(`${app.base}/organizer/workshops/intro-python`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    assert.equal(anonymous.status, 303);
    assert.match(anonymous.headers.get('location') ?? '', /^\/organizer\/sign-in\?next=/);
  });

  it('a wrong bearer token: 401, even with a valid session cookie alongside', async () => {
    const { cookie } = await signIn(app, token);
    const response = await fetch(`${app.base}/api/workshops`, { headers: { authorization: 'Bearer not-a-token', cookie } });
    assert.equal(response.status, 401);
    assert.equal((await response.json() as { reason: string }).reason, 'bad-token');
  });

  it('a bearer token: reads and changes, with no CSRF token needed', async () => {
    const listed = await fetch(`${app.base}/api/workshops`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(listed.status, 200);
    const created = await fetch(`${app.base}/api/workshops`, { method: 'POST', headers: { ...json, authorization: `bearer ${token}` }, body: JSON.stringify(workshop) });
    assert.equal(created.status, 201);
  });

  it('a cookie session: reads freely, but changes only with the CSRF token', async () => {
    const { cookie, csrf } = await signIn(app, token);
    assert.match(csrf, /^[A-Za-z0-9_-]{43}$/);
    assert.equal((await fetch(`${app.base}/api/workshops`, { headers: { cookie } })).status, 200);
    const body = JSON.stringify({ ...workshop, slug: 'authz-cookie' });

    const without = await fetch(`${app.base}/api/workshops`, { method: 'POST', headers: { ...json, cookie }, body });
    assert.equal(without.status, 403);
    assert.equal((await without.json() as { reason: string }).reason, 'csrf');
    const wrong = await fetch(`${app.base}/api/workshops`, { method: 'POST', headers: { ...json, cookie, 'x-csrf-token': `${csrf.slice(1)}A` }, body });
    assert.equal(wrong.status, 403);
    const fromOtherSession = await signIn(app, token);
    const crossed = await fetch(`${app.base}/api/workshops`, { method: 'POST', headers: { ...json, cookie, 'x-csrf-token': fromOtherSession.csrf }, body });
    assert.equal(crossed.status, 403, 'the token is bound to its own session');

    const withToken = await fetch(`${app.base}/api/workshops`, { method: 'POST', headers: { ...json, cookie, 'x-csrf-token': csrf }, body });
    assert.equal(withToken.status, 201);
  });

  it('a form from a cookie session carries the token as the _csrf field', async () => {
    const { cookie, csrf } = await signIn(app, token);
    const form = { 'content-type': 'application/x-www-form-urlencoded', cookie };
    const refused = await fetch(`${app.base}/organizer/sign-out`, { method: 'POST', headers: form, body: '', redirect: 'manual' });
    assert.equal(refused.status, 403);
    const signedOut = await fetch(`${app.base}/organizer/sign-out`, { method: 'POST', headers: form, body: new URLSearchParams({ _csrf: csrf }), redirect: 'manual' });
    assert.equal(signedOut.status, 303);
    assert.match(signedOut.headers.getSetCookie().join(), /nblaunch_organizer=; .*Max-Age=0/);
    assert.equal((await fetch(`${app.base}/api/workshops`, { headers: { cookie } })).status, 401, 'the session is gone');
  });

  it('re-issuing every link by GET needs the CSRF token too, from a cookie session', async () => {
    const { cookie, csrf } = await signIn(app, token);
    const refused = await fetch(`${app.base}/api/workshops/authz/links?reissue=true`, { headers: { cookie } });
    assert.equal(refused.status, 403);
    const allowed = await fetch(`${app.base}/api/workshops/authz/links?reissue=true&_csrf=${csrf}`, { headers: { cookie } });
    assert.equal(allowed.status, 200);
    const byBearer = await fetch(`${app.base}/api/workshops/authz/links?reissue=true`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(byBearer.status, 200);
  });

  it('an attendee is not an organizer, whichever cookie carries their session', async () => {
    const imported = await fetch(`${app.base}/api/workshops/authz/attendees?links=csv`, {
      method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` }, body: 'Ann Lee,ann@example.org\n',
    });
    const link = (await imported.text()).split('\n')[1]!.split(',').pop()!;
    const joined = await fetch(link.replace(/^https?:\/\/[^/]+/, app.base), { redirect: 'manual' });
    assert.equal(joined.status, 303);
    const attendee = cookieFrom(joined, attendeeCookie('authz'))!;
    assert.equal((await fetch(`${app.base}/api/workshops`, { headers: { cookie: attendee } })).status, 401);
    const disguised = attendee.replace(attendeeCookie('authz'), organizerCookie);
    assert.equal((await fetch(`${app.base}/api/workshops`, { headers: { cookie: disguised } })).status, 401);
  });

  it('revoking a token ends the sessions signed in with it', async () => {
    const other = await createOrganizerToken(app.stores.organizerTokens, 'bob');
    const { cookie } = await signIn(app, other.token);
    assert.equal((await fetch(`${app.base}/api/workshops`, { headers: { cookie } })).status, 200);
    const revoked = await fetch(`${app.base}/api/organizer-tokens/${other.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    assert.equal(revoked.status, 204);
    assert.equal((await fetch(`${app.base}/api/workshops`, { headers: { cookie } })).status, 401);
    await assert.rejects(revokeOrganizerToken(app.stores.organizerTokens, tokenId), { reason: 'last-token' });
  });

  it('a wrong token at the sign-in page: the form again, with a plain message and no cookie', async () => {
    const response = await postSignInForm(app.base, '/organizer/sign-in', { token: 'guess' });
    assert.equal(response.status, 401);
    assert.match(await response.text(), /That is not a current organizer token/);
    assert.deepEqual(response.headers.getSetCookie(), []);
  });

  it('refuses a sign-in post from another site, or without its form\'s token (login CSRF)', async () => {
    const post = (headers: Record<string, string>, body: Record<string, string>) => fetch(`${app.base}/organizer/sign-in`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers }, body: new URLSearchParams({ token, ...body }),
    });
    const form = await openSignInForm(app.base, '/organizer/sign-in');
    assert.match(form.cookie, /^nblaunch_form=[A-Za-z0-9_-]{43}$/);
    const refusals: Array<[string, Response]> = [
      ['a bare cross-site form post', await post({}, {})],
      ['the field without the cookie', await post({}, { _csrf: form.csrf })],
      ['the cookie without the field', await post({ cookie: form.cookie }, {})],
      ['another browser\'s token', await post({ cookie: form.cookie }, { _csrf: (await openSignInForm(app.base, '/organizer/sign-in')).csrf })],
      ['Sec-Fetch-Site: cross-site', await post({ cookie: form.cookie, 'sec-fetch-site': 'cross-site' }, { _csrf: form.csrf })],
      ['Sec-Fetch-Site: same-site', await post({ cookie: form.cookie, 'sec-fetch-site': 'same-site' }, { _csrf: form.csrf })],
      ['an Origin of another site', await post({ cookie: form.cookie, origin: 'https://evil.example' }, { _csrf: form.csrf })],
      ['Origin: null', await post({ cookie: form.cookie, origin: 'null' }, { _csrf: form.csrf })],
    ];
    for (const [what, response] of refusals) {
      assert.equal(response.status, 403, what);
      assert.equal(((await response.json()) as { reason: string }).reason, 'sign-in-csrf', what);
      assert.equal(cookieFrom(response, organizerCookie), undefined, what);
    }
    const own = await post({ cookie: form.cookie, 'sec-fetch-site': 'same-origin', origin: app.base }, { _csrf: form.csrf });
    assert.equal(own.status, 303, 'the site\'s own form signs in');
    assert.ok(cookieFrom(own, organizerCookie));
  });

  it('the sign-in page only redirects within the site', async () => {
    for (const next of ['https://evil.example', '//evil.example', '/\\evil.example']) {
      const response = await postSignInForm(app.base, '/organizer/sign-in', { token, next });
      assert.equal(response.headers.get('location'), '/organizer', next);
    }
  });
});

describe('the sign-in rate limit', () => {
  let app: WorkshopTestApp;
  before(async () => { app = await startWorkshopTestApp({ auth: { signInAttemptsPerMinute: 2 } }); });
  after(() => app.close());

  it('answers 429 with a clear message past the attempts allowed per minute', async () => {
    const attempt = () => postSignInForm(app.base, '/organizer/sign-in', { token: 'guess' }, { accept: 'application/json' });
    assert.equal((await attempt()).status, 401);
    assert.equal((await attempt()).status, 401);
    const limited = await attempt();
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    const body = await limited.json() as { reason: string; message: string };
    assert.equal(body.reason, 'sign-in-rate-limit');
    assert.match(body.message, /Too many sign-in attempts.*at most 2/);
  });
});
