import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { askHost } from '../testing/ask-host.js';
import { bootLauncher, freePort, type Harness } from '../testing/launcher-harness.js';

const organizerToken = 'integration-organizer-token-public-links';
const bearer = { authorization: `Bearer ${organizerToken}` };
const forged = 'attacker.example';
const instance = (what: string) => `horigin-${what}-${Math.random().toString(36).slice(2, 8)}`;
const repoLink = '/api/repo-link?url=https%3A%2F%2Fgithub.com%2Fowner%2Frepo';

/** Creates a workshop and imports one attendee, asking for their links as CSV, all with the Host header `host`. */
async function linksCsvVia(port: number, host: string, slug: string) {
  const now = Date.now();
  const workshop = { slug, title: 'Links', startsAt: new Date(now - 3600_000).toISOString(), endsAt: new Date(now + 3600_000).toISOString() };
  await askHost(port, host, '/api/workshops', { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify(workshop) });
  return askHost(port, host, `/api/workshops/${slug}/attendees?links=csv`, {
    method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify([{ name: 'Ann Lee', email: 'ann@example.org' }]),
  });
}

describe('the default origins: servers apart from the launcher, and no forged Host in a link', () => {
  describe('the default (no publicUrl): the launcher is http://localhost:<port>', () => {
    let harness: Harness;
    let port = 0;
    before(async () => {
      port = await freePort();
      harness = await bootLauncher({ port, instance: instance('default'), allowServersOnLauncherOrigin: false, auth: { organizerToken } });
    });
    after(async () => { await harness?.cleanup(); });

    it('serves each server on its own <id>.localhost origin, where no launcher page or API answers', async () => {
      const launched = JSON.parse((await askHost(port, `localhost:${port}`, '/api/sessions', { method: 'POST' })).body) as { id: string; url: string; token: string };
      const serverHost = `${launched.id}.localhost:${port}`;
      assert.equal(launched.url, `http://${serverHost}/s/${launched.id}/`);
      const onLauncher = await askHost(port, `localhost:${port}`, `/s/${launched.id}/tree`);
      assert.equal(onLauncher.status, 307);
      assert.equal(onLauncher.headers.location, `http://${serverHost}/s/${launched.id}/tree`);
      assert.equal((await askHost(port, serverHost, `/s/${launched.id}/api/status`, { headers: { authorization: `token ${launched.token}` } })).status, 200);
      for (const path of ['/api/organizer/me', '/api/organizer-tokens', '/organizer', '/api/workshops']) {
        assert.equal((await askHost(port, serverHost, path, { headers: bearer })).status, 404, `${path} on a server's origin`);
      }
      assert.equal((await askHost(port, serverHost, '/api/organizer-tokens', { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: '{"label":"x"}' })).status, 404);
    });

    it('refuses another host, links to localhost, and sends a loopback address to localhost', async () => {
      const refused = await askHost(port, `${forged}:${port}`, repoLink);
      assert.equal(refused.status, 421);
      assert.doesNotMatch(refused.body, /attacker\.example\/v2/);
      const csv = await linksCsvVia(port, forged, 'forged-default');
      assert.equal(csv.status, 421);
      assert.doesNotMatch(csv.body, /invite=/, 'no link at all');

      const link = JSON.parse((await askHost(port, `localhost:${port}`, repoLink)).body) as { link: string };
      assert.equal(link.link, `http://localhost:${port}/v2/gh/owner/repo/HEAD`);
      const byAddress = await askHost(port, `127.0.0.1:${port}`, '/launch?x=1');
      assert.equal(byAddress.status, 308);
      assert.equal(byAddress.headers.location, `http://localhost:${port}/launch?x=1`);
      assert.equal(harness.url, `http://localhost:${port}`);
    });
  });

  describe('servers on the launcher\'s origin by choice, still no publicUrl', () => {
    let harness: Harness;
    before(async () => {
      harness = await bootLauncher({ instance: instance('shared'), allowServersOnLauncherOrigin: true, auth: { organizerToken } });
    });
    after(async () => { await harness?.cleanup(); });

    it('takes the request\'s host only when it is one of this machine\'s; a forged one gets a refusal that says what to set', async () => {
      const port = harness.launcher.port;
      const refused = await askHost(port, forged, repoLink);
      assert.equal(refused.status, 421);
      assert.match(refused.body, /publicUrl \(NBLAUNCH_PUBLIC_URL\)/);
      const csv = await linksCsvVia(port, forged, 'forged-shared');
      assert.equal(csv.status, 421);
      assert.doesNotMatch(csv.body, /invite=/, 'no link at all');

      const launch = await askHost(port, forged, '/api/sessions', { method: 'POST' });
      assert.equal(launch.status, 421, 'refused before a server starts');
      assert.deepEqual(await harness.launcher.deps.sessions.list(), []);

      const link = JSON.parse((await askHost(port, `127.0.0.1:${port}`, repoLink)).body) as { link: string };
      assert.equal(link.link, `http://127.0.0.1:${port}/v2/gh/owner/repo/HEAD`);
      const reissued = await linksCsvVia(port, `localhost:${port}`, 'known-host');
      assert.equal(reissued.status, 200);
      assert.match(reissued.body, new RegExp(`http://localhost:${port}/w/known-host/join\\?invite=`));
    });
  });

  it('does not start with a publicUrl beyond loopback and no serverOrigin, naming the settings', async () => {
    await assert.rejects(bootLauncher({ instance: instance('public'), publicUrl: 'https://nb.example.org', allowServersOnLauncherOrigin: false }), /serverOrigin \(NBLAUNCH_SERVER_ORIGIN\).*allowServersOnLauncherOrigin/s);
  });
});
