import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cookieFrom, postSignInForm } from '../http/testing/workshop-test-app.js';
import { bootLauncher, type Harness } from '../testing/launcher-harness.js';
import { OrganizerClient } from '../testing/workshop-client.js';

const organizerToken = 'hsignin-organizer-token-0123456789abcdef';

/**
 * Login CSRF: another site makes a visitor's browser sign in as the attacker (a form posted
 * from the attacker's page, or a link to the attacker's own invite), so the visitor's work
 * lands in the attacker's server, or the visitor acts in the attacker's name.
 */
describe('hostile: signing a visitor\'s browser in as the attacker, against a real launcher', () => {
  let harness: Harness;
  let organizer: OrganizerClient;
  before(async () => {
    harness = await bootLauncher({ instance: `hsignin-csrf-${Math.random().toString(36).slice(2, 8)}`, auth: { signInAttemptsPerMinute: 1000, organizerToken } });
    organizer = new OrganizerClient(() => harness.url, organizerToken);
  });
  after(() => harness.cleanup());

  const crossSitePost = (path: string, fields: Record<string, string>, cookie = '') => fetch(`${harness.url}${path}`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields),
  });

  it('refuses sign-in forms posted from another site', async () => {
    const links = await organizer.workshopWith('csrf', [{ name: 'Eve', email: 'eve@example.org' }]);
    const { accessCode } = await organizer.json<{ accessCode: string }>('/api/workshops/csrf');
    const organizerPost = await crossSitePost('/organizer/sign-in', { token: organizerToken });
    assert.equal(organizerPost.status, 403);
    assert.equal(cookieFrom(organizerPost, 'nblaunch_organizer'), undefined);
    const codePost = await crossSitePost('/w/csrf/sign-in', { code: accessCode, email: 'eve@example.org' });
    assert.equal(codePost.status, 403);
    assert.equal(cookieFrom(codePost, 'nblaunch_w_csrf'), undefined);
    const invite = new URL(links.get('eve@example.org')!).searchParams.get('invite')!;
    assert.equal((await crossSitePost('/w/csrf/join', { invite })).status, 403);
  });

  it('does not switch a signed-in browser to the attacker\'s seat through a link', async () => {
    const links = await organizer.workshopWith('switch', [{ name: 'Vic', email: 'vic@example.org' }, { name: 'Eve', email: 'eve@example.org' }]);
    const victim = await fetch(`${harness.url}${new URL(links.get('vic@example.org')!).pathname}${new URL(links.get('vic@example.org')!).search}`, { redirect: 'manual' });
    const victimCookie = cookieFrom(victim, 'nblaunch_w_switch')!;
    const attackerLink = new URL(links.get('eve@example.org')!);
    const followed = await fetch(`${harness.url}${attackerLink.pathname}${attackerLink.search}`, { redirect: 'manual', headers: { cookie: victimCookie, 'sec-fetch-site': 'cross-site', accept: 'text/html' } });
    assert.equal(followed.status, 200, 'a question, not a sign-in');
    assert.equal(cookieFrom(followed, 'nblaunch_w_switch'), undefined);
    assert.match(await followed.text(), /Continue as Eve/);
    const page = await (await fetch(`${harness.url}/w/switch`, { headers: { cookie: victimCookie, accept: 'text/html' } })).text();
    assert.match(page, /Signed in as <strong>Vic<\/strong>/);
    assert.equal((await postSignInForm(harness.url, '/organizer/sign-in', { token: organizerToken })).status, 303, 'the site\'s own forms still sign in');
  });
});
