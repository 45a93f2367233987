import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { askHost, type AskOptions, type HostAnswer } from '../testing/ask-host.js';
import { bootLauncher, freePort, launchSession, type Harness } from '../testing/launcher-harness.js';
import { AttendeeClient, OrganizerClient, upgradeStatus } from '../testing/workshop-client.js';
import { cookieFrom, postSignInForm } from './testing/workshop-test-app.js';

const organizerToken = 'integration-organizer-token-server-origin';
const ann = { name: 'Ann Lee', email: 'ann@example.org' };
const bob = { name: 'Bob Ray', email: 'bob@example.org' };

const grantCookie = (answer: HostAnswer) => answer.headers['set-cookie']?.find((line) => line.startsWith('nblaunch_server='))?.split(';')[0];
const pathOf = (url: string) => `${new URL(url).pathname}${new URL(url).search}`;

describe('notebook servers on their own origin (serverOrigin)', () => {
  let harness: Harness;
  let port = 0;
  let serverHost = '';
  let mainUrl = '';

  const onHost = (host: string, path: string, options: AskOptions = {}) => askHost(port, host, path, options);
  const onServers = (path: string, options: AskOptions = {}) => onHost(serverHost, path, options);

  before(async () => {
    port = await freePort();
    serverHost = `servers.localhost:${port}`;
    mainUrl = `http://localhost:${port}`;
    harness = await bootLauncher({ port, publicUrl: mainUrl, serverOrigin: `http://${serverHost}`, auth: { organizerToken, signInAttemptsPerMinute: 1000 } });
  });
  after(async () => { await harness?.cleanup(); });

  it('sends anonymous servers to the server origin, which serves servers and nothing else', async () => {
    const launched = await launchSession(harness.url);
    const base = `/s/${launched.id}/`;
    assert.equal(launched.url, `http://${serverHost}${base}`);

    const redirected = await fetch(`${harness.url}${base}api/status?token=${launched.token}`, { redirect: 'manual' });
    assert.equal(redirected.status, 307);
    assert.equal(redirected.headers.get('location'), `http://${serverHost}${base}api/status?token=${launched.token}`);
    assert.equal((await fetch(`${harness.url}${base}api/contents`, { method: 'POST', redirect: 'manual' })).status, 307);
    assert.equal((await onServers(`${base}api/status`, { headers: { authorization: `token ${launched.token}` } })).status, 200, 'Jupyter\'s token works on any origin');

    for (const path of ['/api/sessions', '/api/workshops', '/organizer', '/organizer/sign-in', '/w/anything', '/health', '/launch']) {
      const answer = await onServers(path, { headers: { accept: 'text/html' } });
      assert.equal(answer.status, 404, path);
      assert.doesNotMatch(answer.body, /<form/, `${path}: no launcher page on the server origin`);
    }
    assert.equal((await onServers('/api/sessions', { method: 'POST' })).status, 404, 'no launches from the server origin');
    const home = await onServers('/');
    assert.deepEqual([home.status, home.headers.location], [307, `${mainUrl}/`]);

    const kernel = await onServers(`${base}api/kernels`, { method: 'POST', headers: { authorization: `token ${launched.token}`, 'content-type': 'application/json' }, body: '{"name":"python3"}' });
    assert.equal(kernel.status, 201);
    const channels = `${harness.url}${base}api/kernels/${(JSON.parse(kernel.body) as { id: string }).id}/channels`;
    assert.equal(await upgradeStatus(channels, { host: serverHost, authorization: `token ${launched.token}` }), 101);
    assert.equal(await upgradeStatus(channels, { authorization: `token ${launched.token}` }), 403, 'no WebSocket to a server on the launcher\'s origin');
  });

  it('hands attendees over once to their own server on the server origin; the launcher\'s cookies count for nothing there', async () => {
    const organizer = new OrganizerClient(() => harness.url, organizerToken);
    const links = await organizer.workshopWith('apart', [ann, bob]);
    const annClient = await AttendeeClient.signIn(() => harness.url, 'apart', links.get(ann.email)!);
    const bobClient = await AttendeeClient.signIn(() => harness.url, 'apart', links.get(bob.email)!);

    const annServer = await annClient.openServer();
    assert.match(annServer.open, new RegExp(`^http://${serverHost}/s/${annServer.id}/_nblaunch/handoff\\?code=[A-Za-z0-9_-]{43}$`));
    const onMain = await annClient.fetch(`${annServer.path}tree`);
    assert.deepEqual([onMain.status, onMain.headers.get('location')], [307, `http://${serverHost}${annServer.path}tree`]);

    const handedOver = await onServers(pathOf(annServer.open), { headers: { accept: 'text/html' } });
    assert.equal(handedOver.status, 303);
    assert.equal(handedOver.headers.location, `${annServer.path}tree?token=${annServer.token}`);
    assert.match(handedOver.headers['set-cookie']?.join('\n') ?? '', new RegExp(`nblaunch_server=[^;]+; Path=${annServer.path}; Max-Age=\\d+; HttpOnly; SameSite=Lax`));
    const annGrant = grantCookie(handedOver)!;
    const contents = `${annServer.path}api/contents`;
    const withToken = (cookie: string) => ({ headers: { cookie, authorization: `token ${annServer.token}` } });
    assert.equal((await onServers(contents, withToken(annGrant))).status, 200, 'the attendee reaches their server through the server origin');
    assert.equal((await onServers(`${annServer.path}tree?token=${annServer.token}`, { headers: { cookie: annGrant, accept: 'text/html' } })).status, 200);

    const replayed = await onServers(pathOf(annServer.open), { headers: { accept: 'text/html' } });
    assert.equal(replayed.status, 410, 'a code works once');
    assert.match(replayed.body, new RegExp(`href="${mainUrl}/w/apart"`));
    assert.equal(grantCookie(replayed), undefined);

    const bobServer = await bobClient.openServer();
    const bobGrant = grantCookie(await onServers(pathOf(bobServer.open)))!;
    assert.equal((await onServers(`${bobServer.path}api/contents`, { headers: { cookie: bobGrant, authorization: `token ${bobServer.token}` } })).status, 200);
    assert.equal((await onServers(contents, withToken(bobGrant))).status, 403, 'another attendee\'s grant is refused, Jupyter token or not');
    assert.equal((await onServers(contents, withToken(annClient.cookie))).status, 401, 'the attendee\'s cookie of the launcher\'s origin is no proof here');
    const toSignIn = await onServers(`${annServer.path}tree`, { headers: { accept: 'text/html' } });
    assert.deepEqual([toSignIn.status, toSignIn.headers.location], [303, `${mainUrl}/w/apart`]);

    const signedIn = await postSignInForm(harness.url, '/organizer/sign-in', { token: organizerToken });
    const organizerSession = cookieFrom(signedIn, 'nblaunch_organizer')!;
    const me = await fetch(`${harness.url}/api/organizer/me`, { headers: { cookie: organizerSession } });
    assert.equal(me.status, 200, 'a real organizer session on the launcher\'s origin');
    assert.equal((await onServers(contents, withToken(organizerSession))).status, 401, 'and useless on the server origin');
    assert.equal((await onServers(`${contents}?token=${annServer.token}`, { headers: { authorization: `Bearer ${organizerToken}` } })).status, 200, 'an organizer\'s bearer token (API clients) counts on either origin');

    const { csrfToken } = await me.json() as { csrfToken: string };
    const started = await fetch(`${harness.url}/api/workshops/apart/attendees/${annServer.id.slice(-16)}/server/start`, { method: 'POST', headers: { cookie: organizerSession, 'x-csrf-token': csrfToken } });
    const { open } = await started.json() as { open: string };
    const organizerGrant = grantCookie(await onServers(pathOf(open)))!;
    assert.equal((await onServers(contents, withToken(organizerGrant))).status, 200, 'an organizer who clicks "open" is handed over too');

    const kernel = await onServers(`${annServer.path}api/kernels`, { method: 'POST', headers: { ...withToken(annGrant).headers, 'content-type': 'application/json' }, body: '{"name":"python3"}' });
    assert.equal(kernel.status, 201);
    const channels = `${harness.url}${annServer.path}api/kernels/${(JSON.parse(kernel.body) as { id: string }).id}/channels`;
    assert.equal(await upgradeStatus(channels, { host: serverHost, cookie: annGrant, authorization: `token ${annServer.token}` }), 101);
    assert.equal(await upgradeStatus(channels, { host: serverHost, cookie: bobGrant, authorization: `token ${annServer.token}` }), 403);
    assert.equal(await upgradeStatus(channels, { host: serverHost, cookie: annClient.cookie, authorization: `token ${annServer.token}` }), 401);
  });
});

describe('an origin per notebook server (serverOrigin with a * first label)', () => {
  let harness: Harness;
  let port = 0;
  let mainUrl = '';
  const hostOf = (id: string) => `${id}.servers.localhost:${port}`;

  before(async () => {
    port = await freePort();
    mainUrl = `http://localhost:${port}`;
    harness = await bootLauncher({ port, publicUrl: mainUrl, serverOrigin: `http://*.servers.localhost:${port}`, auth: { organizerToken, signInAttemptsPerMinute: 1000 } });
  });
  after(async () => { await harness?.cleanup(); });

  it('serves each anonymous server on its own host only, kernels and WebSockets included', async () => {
    const launched = await launchSession(harness.url);
    const other = await launchSession(harness.url);
    const base = `/s/${launched.id}/`;
    assert.equal(launched.url, `http://${hostOf(launched.id)}${base}`);
    const redirected = await fetch(`${harness.url}${base}tree?token=${launched.token}`, { redirect: 'manual' });
    assert.deepEqual([redirected.status, redirected.headers.get('location')], [307, `http://${hostOf(launched.id)}${base}tree?token=${launched.token}`]);

    const auth = { authorization: `token ${launched.token}` };
    assert.equal((await askHost(port, hostOf(launched.id), `${base}api/status`, { headers: auth })).status, 200);
    const elsewhere = await askHost(port, hostOf(other.id), `${base}api/status`, { headers: auth });
    assert.deepEqual([elsewhere.status, elsewhere.headers.location], [307, `http://${hostOf(launched.id)}${base}api/status`], 'not on another server\'s host');
    const home = await askHost(port, hostOf(launched.id), '/');
    assert.deepEqual([home.status, home.headers.location], [307, `${mainUrl}/`]);
    assert.equal((await askHost(port, hostOf(launched.id), '/api/sessions', { method: 'POST' })).status, 404, 'no launcher API on a server\'s host');

    const kernel = await askHost(port, hostOf(launched.id), `${base}api/kernels`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"name":"python3"}' });
    assert.equal(kernel.status, 201);
    const channels = `${harness.url}${base}api/kernels/${(JSON.parse(kernel.body) as { id: string }).id}/channels`;
    assert.equal(await upgradeStatus(channels, { host: hostOf(launched.id), ...auth }), 101);
    assert.equal(await upgradeStatus(channels, { host: hostOf(other.id), ...auth }), 403, 'no WebSocket to a server from another server\'s host');
    assert.equal(await upgradeStatus(channels, auth), 403, 'nor on the launcher\'s origin');
  });

  it('hands an attendee over on their server\'s own host, with a cookie for that host alone', async () => {
    const organizer = new OrganizerClient(() => harness.url, organizerToken);
    const links = await organizer.workshopWith('hosts', [ann, bob]);
    const annClient = await AttendeeClient.signIn(() => harness.url, 'hosts', links.get(ann.email)!);
    const annServer = await annClient.openServer();
    assert.match(annServer.open, new RegExp(`^http://${hostOf(annServer.id).replace(/\./g, '\\.')}/s/${annServer.id}/_nblaunch/handoff\\?code=`));
    const handedOver = await askHost(port, hostOf(annServer.id), pathOf(annServer.open), { headers: { accept: 'text/html' } });
    assert.equal(handedOver.status, 303);
    const setCookie = handedOver.headers['set-cookie']?.join('\n') ?? '';
    assert.match(setCookie, new RegExp(`nblaunch_server=[^;]+; Path=${annServer.path};`));
    assert.doesNotMatch(setCookie, /Domain=/i, 'a host-only cookie: no other server\'s host gets it');
    const annGrant = grantCookie(handedOver)!;
    assert.equal((await askHost(port, hostOf(annServer.id), `${annServer.path}api/contents`, { headers: { cookie: annGrant, authorization: `token ${annServer.token}` } })).status, 200);
  });
});
