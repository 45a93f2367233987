import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { labelKeys } from '../runtime/labels.js';
import { imageExists } from '../setup/host.js';
import type { GitHttpServer } from '../testing/git-http-server.js';
import { bootLauncherWithGit, eventually, type GitBackedHarness, type Harness } from '../testing/launcher-harness.js';
import { AttendeeClient, OrganizerClient } from '../testing/workshop-client.js';
import type { WarmupStatus } from './workshop-warmer.js';

const organizerToken = 'warmup-organizer-token-0123456789abcdef';
const people = [{ name: 'Ann Lee', email: 'ann@example.org' }, { name: 'Bob Ray', email: 'bob@example.org' }];

/** The labels of a container, or null when Docker has none by that name. */
function labelsOf(name: string): Record<string, string> | null {
  try {
    return JSON.parse(execFileSync('docker', ['inspect', '--format', '{{json .Config.Labels}}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return null;
  }
}

describe('workshop warm-up against a real Docker engine, Redis and git server', () => {
  let launched: GitBackedHarness | undefined;
  let git: GitHttpServer;
  let harness: Harness;
  let organizer: OrganizerClient;
  let checkouts: string;
  let prefix: string;
  const base = () => harness.url;
  const warmup = async (slug: string) => (await organizer.json<{ warmup: WarmupStatus }>(`/api/workshops/${slug}`)).warmup;
  const warmed = (slug: string, timeoutMs = 180_000) => eventually(async () => {
    const status = await warmup(slug);
    if (status.state === 'failed') throw new Error(`the warm-up failed: ${status.message}`);
    return status.state === 'ready' ? status : undefined;
  }, timeoutMs, `the warm-up of ${slug} to be ready`);

  before(async () => {
    checkouts = mkdtempSync(join(tmpdir(), 'nblaunch-warmup-it-'));
    launched = await bootLauncherWithGit({
      auth: { organizerToken },
      git: { checkoutDir: checkouts },
      build: { timeoutSeconds: 180 },
      pool: { refreshSeconds: 1 },
      capacity: { maxServers: 10, maxServersPerIp: 10 },
      workshops: { warmupMinutes: 30 },
    });
    ({ git, harness, imagePrefix: prefix } = launched);
    await git.createRepo('course/warm', { 'lesson.ipynb': JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }) });
    organizer = new OrganizerClient(base, organizerToken);
  });
  after(async () => {
    await launched?.cleanup();
    rmSync(checkouts, { recursive: true, force: true });
  });

  it('builds the repo image and starts the registered attendees\' servers before the start time; the first open starts nothing', async () => {
    const startsAt = new Date(Date.now() + 20 * 60_000).toISOString();
    const links = await organizer.workshopWith('warm-repo', people, {
      startsAt, warmServers: 2, repo: { url: `${git.baseUrl}/course/warm`, ref: 'main', file: 'lesson.ipynb' },
    });
    const status = await warmed('warm-repo');
    assert.deepEqual(status.servers, { wanted: 2, running: 2 });
    assert.ok(status.image?.startsWith(prefix), 'the workshop\'s own image, built from its repo');
    assert.ok(imageExists(status.image!));
    for (const person of people) {
      const id = `ws-warm-repo-${await organizer.attendeeId('warm-repo', person.email)}`;
      assert.equal(labelsOf(`nblaunch-${harness.config.instance}-${id}`)?.[labelKeys.kind], 'persistent', `${person.email}'s own server runs`);
    }

    const ann = await AttendeeClient.signIn(base, 'warm-repo', links.get('ann@example.org')!);
    const server = await ann.openServer();
    assert.equal(server.started, false, 'the server was already running');
    assert.match(server.open, /\/tree\/lesson\.ipynb\?token=/, 'the first open goes to the workshop\'s file');
    assert.equal((await ann.fetch(`${server.path}api/contents/lesson.ipynb`, { token: server.token })).status, 200, 'the repo is in the home');
  });

  it('keeps a warm pool of the workshop\'s image while its link is anonymous, on request long before the start, and hands it out', async () => {
    await organizer.json('/api/workshops', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'warm-anon', title: 'Warm anonymous', startsAt: '2099-01-01T09:00:00Z', endsAt: '2099-01-01T17:00:00Z', warmServers: 2 }),
    });
    assert.equal((await warmup('warm-anon')).state, 'scheduled');
    const asked = await organizer.api('/api/workshops/warm-anon/warm', { method: 'POST' });
    assert.equal(asked.status, 202);
    assert.notEqual((await asked.json() as WarmupStatus).state, 'scheduled');
    assert.deepEqual((await warmed('warm-anon')).servers, { wanted: 2, running: 2 });

    const launch = await fetch(`${base()}/w/warm-anon/launch`, { redirect: 'manual' });
    assert.equal(launch.headers.get('location'), '/launch');
    const launched = await fetch(`${base()}/api/sessions`, { method: 'POST' });
    assert.equal(launched.status, 201);
    const { id } = await launched.json() as { id: string };
    assert.equal(labelsOf(`nblaunch-${harness.config.instance}-${id}`)?.[labelKeys.pool], 'workshop/warm-anon', 'the launch got a server of the workshop\'s pool');
  });

  it('drains the anonymous pool once sign-in is on, and refuses to warm an ended workshop', async () => {
    await organizer.json('/api/workshops/warm-anon/attendees', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([people[0]]) });
    await warmed('warm-anon');
    await eventually(async () => {
      const pools = await organizer.json<Record<string, { ready: number; size: number }>>('/api/pools');
      return pools['workshop/warm-anon']?.ready === 0 && pools['workshop/warm-anon']?.size === 0 ? true : undefined;
    }, 60_000, 'the workshop pool to drain');

    await organizer.json('/api/workshops/warm-anon/end', { method: 'POST' });
    const refused = await organizer.api('/api/workshops/warm-anon/warm', { method: 'POST' });
    assert.equal(refused.status, 409);
    assert.match((await refused.json() as { message: string }).message, /is over/);
    assert.equal((await organizer.api('/api/workshops/warm-anon/warm', { method: 'POST', headers: { authorization: 'Bearer wrong' } })).status, 401);
  });
});
