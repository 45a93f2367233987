import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bootLauncher, type Harness } from '../testing/launcher-harness.js';
import { AttendeeClient, OrganizerClient, upgradeStatus } from '../testing/workshop-client.js';

const organizerToken = 'hsignin-organizer-token-0123456789abcdef';
const victim = { name: 'Vic Tim', email: 'vic@example.org' };
const attacker = { name: 'Eve Ill', email: 'eve@example.org' };

/**
 * The room's code is on a slide everyone sees, and a colleague's email is easy to know: the code
 * must not let one attendee sign in as another who already took their seat.
 */
describe('hostile: the workshop code and a victim\'s email, against a real launcher', () => {
  let harness: Harness;
  const base = () => harness.url;

  before(async () => {
    harness = await bootLauncher({
      instance: `hsignin-claim-${Math.random().toString(36).slice(2, 8)}`,
      auth: { signInAttemptsPerMinute: 1000, organizerToken }, capacity: { maxServers: 4, maxServersPerIp: 4 },
    });
  });
  after(() => harness.cleanup());

  it('refuses the attacker once the victim claimed their seat, and the victim\'s server stays out of the attacker\'s reach', async () => {
    const organizer = new OrganizerClient(base, organizerToken);
    await organizer.workshopWith('claimed', [victim, attacker]);
    const { accessCode } = await organizer.json<{ accessCode: string }>('/api/workshops/claimed');

    const signedIn = await AttendeeClient.signInWithCode(base, 'claimed', accessCode, victim.email);
    assert.ok(signedIn instanceof AttendeeClient, 'the victim signs in with the code');
    const server = await signedIn.openServer();
    assert.equal(await signedIn.writeFile(server, 'secret.txt', 'the victim\'s work'), 201);

    const refused = await AttendeeClient.signInWithCode(base, 'claimed', accessCode, victim.email.toUpperCase());
    assert.ok(!(refused instanceof AttendeeClient), 'the attacker gets no session as the victim');
    assert.equal(refused.status, 409);
    assert.match(refused.page, /Someone already signed in as vic@example.org/);

    const eve = await AttendeeClient.signInWithCode(base, 'claimed', accessCode, attacker.email);
    assert.ok(eve instanceof AttendeeClient, 'the attacker is an attendee in their own right');
    const contents = `${server.path}api/contents/secret.txt?type=file&format=text`;
    assert.equal((await eve.fetch(contents, { token: server.token })).status, 403, 'even holding the victim\'s Jupyter token');
    assert.equal((await fetch(`${base()}${contents}`, { headers: { authorization: `token ${server.token}` }, redirect: 'manual' })).status, 401);
    assert.equal(await upgradeStatus(`${base()}${server.path}api/events/subscribe`, { cookie: eve.cookie }), 403);
    assert.equal(await signedIn.readFile(server, 'secret.txt'), 'the victim\'s work', 'the victim keeps their session and files');
  });
});
