import { createOrganizerToken } from '../src/auth/organizer-tokens.js';
import { freePort } from '../src/testing/launcher-harness.js';
import { startE2ELauncher, test as base, expect, type E2ELauncher } from './fixtures.js';
import { AttendeeWorkshopPage } from './pages/attendee-workshop-page.js';
import { NotebookTreePage } from './pages/notebook-tree-page.js';

/**
 * The launcher with `serverOrigin`: its pages on http://localhost:<port>, notebook servers on
 * http://servers.localhost:<port> (Chromium sends every *.localhost name to loopback). One
 * port, told apart by the Host header.
 */
const test = base.extend<{}, { originLauncher: E2ELauncher & { serverOrigin: string } }>({
  originLauncher: [async ({ e2eGit }, use) => {
    const port = await freePort();
    const serverOrigin = `http://servers.localhost:${port}`;
    const started = await startE2ELauncher(e2eGit, { port, publicUrl: `http://localhost:${port}`, serverOrigin });
    try {
      await use({ ...started, url: `http://localhost:${port}`, serverOrigin });
    } finally {
      await started.stop();
    }
  }, { scope: 'worker', timeout: 60_000 }],
});

test('attendees\' servers live on their own origin: the hand-off signs them in there, and the launcher\'s API is not there', async ({ browser, originLauncher }) => {
  const { url, serverOrigin, launcher } = originLauncher;
  const { token } = await createOrganizerToken(launcher.deps.workshopStores.organizerTokens, 'e2e origin organizer');
  const slug = `origin-${Date.now().toString(36)}`;
  const api = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.ok, `${path} answered ${response.status}`).toBe(true);
    return response;
  };
  const now = Date.now();
  await api('/api/workshops', { slug, title: 'Own origin', startsAt: new Date(now - 3600_000).toISOString(), endsAt: new Date(now + 3 * 3600_000).toISOString() });
  const csv = await (await api(`/api/workshops/${slug}/attendees?links=csv`, [{ name: 'Ann Lee', email: 'ann@example.org' }, { name: 'Bob Ray', email: 'bob@example.org' }])).text();
  const linkOf = (email: string) => csv.split('\n').find((line) => line.includes(email))!.split(',').pop()!.trim();

  const annContext = await browser.newContext();
  const bobContext = await browser.newContext();
  try {
    // Ann signs in on the launcher's origin and opens her server: she lands on the server origin.
    const ann = await annContext.newPage();
    await ann.goto(linkOf('ann@example.org'));
    await expect(new AttendeeWorkshopPage(ann).signedInAs).toContainText('Ann Lee');
    await new AttendeeWorkshopPage(ann).openServer.click();
    const tree = new NotebookTreePage(ann);
    await tree.waitUntilReady();
    expect(new URL(ann.url()).origin).toBe(serverOrigin);
    const serverId = tree.serverId();

    // Jupyter works there, WebSockets included: a kernel runs code.
    const notebook = await tree.newPythonNotebook();
    await notebook.runInCell(0, 'print(6 * 7)');
    await expect(notebook.output(0)).toContainText('42');
    await notebook.page.close();

    // Code running on the server origin finds no launcher there: no API, no dashboard.
    const answers = await ann.evaluate(async (paths) => Promise.all(paths.map(async (path) => (await fetch(path, { redirect: 'manual' })).status)), ['/api/workshops', '/api/organizer/me', '/organizer', `/w/${slug}`]);
    expect(answers).toEqual([404, 404, 404, 404]);

    // Her server's address on the launcher's origin leads to the server origin.
    await ann.goto(`${url}/s/${serverId}/tree`);
    await tree.waitUntilReady();
    expect(new URL(ann.url()).origin).toBe(serverOrigin);

    // Bob, signed in to the same workshop, cannot reach Ann's server on the server origin.
    const bob = await bobContext.newPage();
    await bob.goto(linkOf('bob@example.org'));
    await expect(new AttendeeWorkshopPage(bob).signedInAs).toContainText('Bob Ray');
    // A browser without a grant for that server is sent back to the workshop page (his own); an API call is refused.
    await bob.goto(`${serverOrigin}/s/${serverId}/tree`);
    await expect(bob).toHaveURL(`${url}/w/${slug}`);
    await expect(new AttendeeWorkshopPage(bob).signedInAs).toContainText('Bob Ray');
    // From a page of the server origin (its 404 page), Bob's script asks for Ann's files.
    await bob.goto(`${serverOrigin}/no-such-page`);
    const apiStatus = await bob.evaluate(async (path) => (await fetch(path, { headers: { accept: 'application/json' } })).status, `/s/${serverId}/api/contents`);
    expect([401, 403]).toContain(apiStatus);
  } finally {
    await annContext.close();
    await bobContext.close();
  }
});
