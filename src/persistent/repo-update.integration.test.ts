import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GitHttpServer } from '../testing/git-http-server.js';
import { bootLauncherWithGit, eventually, type GitBackedHarness, type Harness } from '../testing/launcher-harness.js';
import { AttendeeClient, OrganizerClient } from '../testing/workshop-client.js';

const organizerToken = 'integration-organizer-token-abcdefghij';
const ann = { name: 'Ann Lee', email: 'ann@example.org' };

describe('a workshop whose repo is updated', () => {
  let launched: GitBackedHarness | undefined;
  let git: GitHttpServer;
  let harness: Harness;

  before(async () => {
    launched = await bootLauncherWithGit({
      trustProxy: true, auth: { organizerToken, signInAttemptsPerMinute: 1000 }, git: { refCacheSeconds: 0 }, cull: { idleTimeoutSeconds: 2 },
    });
    ({ git, harness } = launched);
  });
  after(() => launched?.cleanup());

  it('brings the new files into an attendee\'s home and never overwrites their edits', async () => {
    const repo = await git.createRepo('teacher/course', { 'lesson1.md': 'lesson one, as written by the teacher\n' });
    const organizer = new OrganizerClient(() => harness.url, organizerToken);
    const links = await organizer.workshopWith('course', [ann], { repo: { url: `${git.baseUrl}/teacher/course`, ref: 'main' } });
    const client = await AttendeeClient.signIn(() => harness.url, 'course', links.get(ann.email)!);
    const server = await client.openServer();
    assert.equal(await client.readFile(server, 'lesson1.md'), 'lesson one, as written by the teacher\n');
    assert.equal(await client.writeFile(server, 'lesson1.md', 'my own notes on lesson one'), 200);

    const id = server.id;
    await eventually(async () => {
      await harness.launcher.culler.cullOnce();
      return (await harness.launcher.deps.persistentServers.get(id))?.state === 'stopped' ? true : undefined;
    }, 60_000, 'the idle server to stop');

    await repo.commit({ 'lesson1.md': 'lesson one, corrected by the teacher\n', 'lesson2.md': 'lesson two\n' });
    const again = await client.openServer();
    assert.equal(again.id, id);
    assert.equal(await client.readFile(again, 'lesson2.md'), 'lesson two\n', 'the new file from the repo appears');
    assert.equal(await client.readFile(again, 'lesson1.md'), 'my own notes on lesson one', 'the attendee\'s edit stays');
  });
});
