import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { bootLauncher, type Harness } from '../testing/launcher-harness.js';
import { cookieFrom, postSignInForm } from '../http/testing/workshop-test-app.js';
import { createLogger } from '../log/logger.js';

const workshop = { slug: 'intro-py', title: 'Intro to Python', startsAt: '2030-05-01T09:00:00Z', endsAt: '2099-05-01T17:00:00Z', repo: { url: 'https://github.com/owner/course', ref: 'main', file: 'intro.ipynb' } };
const attendeesCsv = 'name,email,group\nAnn Lee,ann@example.org,red\nBob Ray,bob@example.org,\n"Dee, Cy",cy@example.org,blue\nBroken Row,not-an-email,\n';

let addresses = 0;
/** A client address of its own per test (the launcher trusts X-Forwarded-For here), so rate limits never cross tests. */
const fromNewAddress = () => ({ 'x-forwarded-for': `198.51.100.${(addresses += 1)}` });

describe('workshops against the real launcher and Redis', () => {
  let harness: Harness;
  const printed: string[] = [];
  const logLines: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { logLines.push(...chunk.toString().split('\n').filter(Boolean)); done(); } });
  /** Every secret the tests saw: none of them may reach the log. */
  const secrets: string[] = [];
  const remember = (links: string) => { secrets.push(...[...links.matchAll(/invite=([A-Za-z0-9_-]{43})/g)].map((match) => match[1]!)); return links; };
  let token = '';
  const bearer = () => ({ authorization: `Bearer ${token}` });
  const api = (path: string, init: RequestInit = {}) => fetch(`${harness.url}${path}`, { ...init, headers: { ...bearer(), ...init.headers as Record<string, string> } });

  before(async () => {
    harness = await bootLauncher({ trustProxy: true, auth: { signInAttemptsPerMinute: 3 } }, { print: (text) => printed.push(text), logger: createLogger('info', sink) });
  });
  after(() => harness.cleanup());

  it('prints the first organizer token once, on the first start only', async () => {
    assert.equal(printed.length, 1);
    assert.match(printed[0]!, new RegExp(`Sign in as an organizer at ${harness.url}/organizer/sign-in`));
    token = /^ {4}(nbo_\S{43})$/m.exec(printed[0]!)![1]!;
    secrets.push(token);
    assert.equal((await api('/api/organizer/me')).status, 200);
    await harness.restart();
    assert.equal(printed.length, 1, 'a restart finds the token in Redis and prints nothing');
    assert.equal((await api('/api/organizer/me')).status, 200, 'the token survives the restart');
  });

  it('creates a workshop with a bearer token, and refuses it without one', async () => {
    const refused = await fetch(`${harness.url}/api/workshops`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(workshop) });
    assert.equal(refused.status, 401);
    assert.equal((await refused.json() as { reason: string }).reason, 'sign-in-required');

    const created = await api('/api/workshops', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(workshop) });
    assert.equal(created.status, 201);
    const body = await created.json() as { link: string; mode: string; repo: { spec: string; launchPath: string } };
    assert.equal(body.link, `${harness.url}/w/intro-py`);
    assert.equal(body.mode, 'anonymous');
    assert.equal(body.repo.launchPath, '/v2/gh/owner/course/main?labpath=intro.ipynb');
    const again = await api('/api/workshops', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(workshop) });
    assert.equal(again.status, 409);
  });

  it('hands out anonymous servers at the workshop link while nobody is registered', async () => {
    const page = await fetch(`${harness.url}/w/intro-py`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    assert.equal(page.status, 200);
    const text = await page.text();
    assert.match(text, /Intro to Python/);
    assert.match(text, /with the repository https:\/\/github.com\/owner\/course/);
    assert.match(text, /href="\/w\/intro-py\/launch"/);
    const launch = await fetch(`${harness.url}/w/intro-py/launch`, { redirect: 'manual' });
    assert.equal(launch.status, 303);
    assert.equal(launch.headers.get('location'), '/v2/gh/owner/course/main?labpath=intro.ipynb');
  });

  it('imports a CSV: three rows in, the bad one listed; the same CSV again changes nothing', async () => {
    const csv = { method: 'POST', headers: { 'content-type': 'text/csv' }, body: attendeesCsv };
    const first = await api('/api/workshops/intro-py/attendees', csv);
    assert.equal(first.status, 200);
    const outcome = await first.json() as { imported: number; unchanged: number; errors: Array<{ line: number; text: string; reason: string }> };
    assert.equal(outcome.imported, 3);
    assert.deepEqual(outcome.errors, [{ line: 5, text: 'Broken Row,not-an-email,', reason: '"not-an-email" is not an email address' }]);

    const second = await (await api('/api/workshops/intro-py/attendees', csv)).json() as { imported: number; unchanged: number; errors: unknown[] };
    assert.deepEqual([second.imported, second.unchanged, second.errors.length], [0, 3, 1]);
    const listed = await (await api('/api/workshops/intro-py/attendees')).json() as { attendees: Array<{ email: string }> };
    assert.deepEqual(listed.attendees.map((attendee) => attendee.email).sort(), ['ann@example.org', 'bob@example.org', 'cy@example.org']);
  });

  it('switches the workshop link to sign-in after the first import', async () => {
    const page = await fetch(`${harness.url}/w/intro-py`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/w/intro-py/sign-in');
    const signIn = await fetch(`${harness.url}/w/intro-py/sign-in`, { headers: { accept: 'text/html' } });
    assert.match(await signIn.text(), /personal link/);
    const launch = await fetch(`${harness.url}/w/intro-py/launch`, { redirect: 'manual' });
    assert.equal(launch.headers.get('location'), '/w/intro-py', 'no more anonymous servers');
    const shown = await (await api('/api/workshops/intro-py')).json() as { mode: string; activeAttendees: number };
    assert.deepEqual([shown.mode, shown.activeAttendees], ['registered', 3]);
  });

  it('makes the links CSV only when re-issuing is asked for explicitly', async () => {
    const refused = await api('/api/workshops/intro-py/links');
    assert.equal(refused.status, 409);
    assert.equal((await refused.json() as { reason: string }).reason, 'reissue-required');

    const links = await api('/api/workshops/intro-py/links?reissue=true');
    assert.equal(links.status, 200);
    assert.match(links.headers.get('content-type') ?? '', /^text\/csv/);
    const rows = parse(remember(await links.text()), { columns: true }) as Array<{ name: string; email: string; group: string; link: string }>;
    assert.deepEqual(rows.map((row) => [row.name, row.email, row.group]), [['Ann Lee', 'ann@example.org', 'red'], ['Bob Ray', 'bob@example.org', ''], ['Dee, Cy', 'cy@example.org', 'blue']]);
    for (const row of rows) assert.match(row.link, new RegExp(`^${harness.url}/w/intro-py/join\\?invite=[A-Za-z0-9_-]{43}$`));
  });

  it('signs an attendee in with their link (HttpOnly, SameSite cookie); a revoked link says so with 410', async () => {
    const links = await api('/api/workshops/intro-py/links?reissue=true');
    const [ann, bob] = parse(remember(await links.text()), { columns: true }) as Array<{ link: string; email: string }>;
    const joined = await fetch(ann!.link, { redirect: 'manual', headers: fromNewAddress() });
    assert.equal(joined.status, 303);
    assert.equal(joined.headers.get('location'), '/w/intro-py');
    assert.equal(joined.headers.get('referrer-policy'), 'no-referrer');
    const setCookie = joined.headers.getSetCookie().find((cookie) => cookie.startsWith('nblaunch_w_intro-py='))!;
    assert.match(setCookie, /; HttpOnly/);
    assert.match(setCookie, /; SameSite=Lax/);
    assert.match(setCookie, /; Path=\//);
    assert.match(setCookie, new RegExp(`; Max-Age=${harness.config.auth.sessionHours * 3600}`));
    assert.doesNotMatch(setCookie, /; Secure/);

    const cookie = cookieFrom(joined, 'nblaunch_w_intro-py')!;
    const page = await fetch(`${harness.url}/w/intro-py`, { headers: { cookie, accept: 'text/html' } });
    assert.equal(page.status, 200);
    const text = await page.text();
    assert.match(text, /Signed in as <strong>Ann Lee<\/strong>/);
    assert.match(text, /<button type="submit" class="primary" id="workshop-open">Open my server<\/button>/);

    const attendees = await (await api('/api/workshops/intro-py/attendees')).json() as { attendees: Array<{ id: string; email: string }> };
    const bobId = attendees.attendees.find((attendee) => attendee.email === bob!.email)!.id;
    assert.equal((await api(`/api/workshops/intro-py/attendees/${bobId}`, { method: 'DELETE' })).status, 204);
    const revoked = await fetch(bob!.link, { redirect: 'manual', headers: fromNewAddress() });
    assert.equal(revoked.status, 410);
    assert.equal((await revoked.json() as { reason: string }).reason, 'invite-revoked');
    const unknown = await fetch(`${harness.url}/w/intro-py/join?invite=${'A'.repeat(43)}`, { redirect: 'manual', headers: fromNewAddress() });
    assert.equal(unknown.status, 404);

    const reissued = await (await api(`/api/workshops/intro-py/attendees/${bobId}/reissue`, { method: 'POST' })).json() as { link: string };
    remember(reissued.link);
    assert.equal((await fetch(reissued.link, { redirect: 'manual', headers: fromNewAddress() })).status, 303);
  });

  it('returns the links of a fresh import at once with ?links=csv', async () => {
    const response = await api('/api/workshops/intro-py/attendees?links=csv', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'Eve Ng <eve@example.org>\nAnn Lee, ann@example.org\n' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('nblaunch-imported'), '1');
    assert.equal(response.headers.get('nblaunch-unchanged'), '1');
    const rows = parse(remember(await response.text()), { columns: true }) as Array<{ email: string; link: string }>;
    assert.deepEqual(rows.map((row) => row.email), ['eve@example.org']);
  });

  it('takes organizer API calls from a cookie session only with the CSRF token', async () => {
    const signedIn = await postSignInForm(harness.url, '/organizer/sign-in', { token }, fromNewAddress());
    assert.equal(signedIn.status, 303);
    const cookie = cookieFrom(signedIn, 'nblaunch_organizer')!;
    assert.match(signedIn.headers.getSetCookie().join(), /nblaunch_organizer=.*HttpOnly; SameSite=Lax/);
    const me = await (await fetch(`${harness.url}/api/organizer/me`, { headers: { cookie } })).json() as { csrfToken: string; via: string };
    secrets.push(cookie.split('=')[1]!, me.csrfToken);
    assert.equal(me.via, 'session');
    const request = (headers: Record<string, string>) => fetch(`${harness.url}/api/workshops/intro-py/end`, { method: 'POST', headers: { cookie, ...headers } });
    const refused = await request({});
    assert.equal(refused.status, 403);
    assert.equal((await refused.json() as { reason: string }).reason, 'csrf');
    const ended = await request({ 'x-csrf-token': me.csrfToken });
    assert.equal(ended.status, 200);
    assert.ok((await ended.json() as { endedAt: string }).endedAt);
    const page = await fetch(`${harness.url}/w/intro-py`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 410);
    assert.match(await page.text(), /is over/);
  });

  it('limits sign-in attempts per client address: 429 past the limit', async () => {
    const address = fromNewAddress();
    const attempt = () => fetch(`${harness.url}/w/intro-py/join?invite=${'B'.repeat(43)}`, { redirect: 'manual', headers: address });
    for (let index = 0; index < 3; index += 1) assert.notEqual((await attempt()).status, 429);
    const limited = await attempt();
    assert.equal(limited.status, 429);
    assert.equal((await limited.json() as { reason: string }).reason, 'sign-in-rate-limit');
    assert.notEqual((await fetch(`${harness.url}/w/intro-py/join?invite=${'B'.repeat(43)}`, { redirect: 'manual', headers: fromNewAddress() })).status, 429, 'other addresses are not affected');
  });

  it('logged every change with who made it, and never a token, secret or query string', () => {
    const entries = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const event = (name: string) => entries.filter((entry) => entry.event === name);
    assert.deepEqual(event('workshop-created').map((entry) => [entry.workshop, entry.actor, entry.via]), [['intro-py', 'first organizer', 'bearer']]);
    assert.equal(event('attendees-imported')[0]?.imported, 3);
    assert.ok(event('attendee-signed-in').length >= 2);
    assert.equal(event('attendee-removed').length, 1);
    assert.ok(event('invites-reissued').length >= 2);
    assert.equal(event('invite-reissued').length, 1);
    assert.deepEqual(event('workshop-ended').map((entry) => [entry.actor, entry.via]), [['first organizer', 'session']]);
    assert.equal(event('organizer-signed-in').length, 1);
    const log = logLines.join('\n');
    assert.ok(secrets.length >= 8);
    for (const secret of secrets) assert.ok(!log.includes(secret), 'a secret reached the log');
    assert.doesNotMatch(log, /invite=|ann@example\.org/);
  });
});
