import { parse } from 'csv-parse/sync';
import { createOrganizerToken } from '../src/auth/organizer-tokens.js';
import { expect, test } from './fixtures.js';
import { AttendeeWorkshopPage } from './pages/attendee-workshop-page.js';
import { NotebookTreePage } from './pages/notebook-tree-page.js';
import { OrganizerDashboardPage, OrganizerSignInPage, WorkshopDashboardPage } from './pages/organizer-dashboard-page.js';

const people = [
  { name: 'Ann Lee', email: 'ann@example.org', group: 'red' },
  { name: 'Bob Ray', email: 'bob@example.org', group: 'blue' },
  { name: 'Cy Dee', email: 'cy@example.org', group: '' },
];

test('an organizer runs a workshop from the dashboard; attendees keep their work and only reach their own server', async ({ page, browser, e2eLauncher }) => {
  // An organizer token the test knows (the first one is printed once at start-up, and stored hashed).
  const { token } = await createOrganizerToken(e2eLauncher.launcher.deps.workshopStores.organizerTokens, 'e2e organizer');
  const slug = `e2e-${Date.now().toString(36)}`;

  // Sign in: the dashboard asks for it, and comes back after.
  await page.goto(OrganizerDashboardPage.path);
  await expect(page).toHaveURL(/\/organizer\/sign-in\?next=%2Forganizer$/);
  await new OrganizerSignInPage(page).signIn(token);
  const dashboard = new OrganizerDashboardPage(page);
  await dashboard.waitUntilReady();

  // Create the workshop (no repo: the default image), running now.
  const now = Date.now();
  await dashboard.create({ title: 'Dashboard workshop', slug, startsAt: new Date(now - 60 * 60_000), endsAt: new Date(now + 3 * 60 * 60_000) });
  const workshop = new WorkshopDashboardPage(page);
  await workshop.waitUntilReady();
  await expect(workshop.title).toHaveText('Dashboard workshop');
  await expect(workshop.link).toHaveValue(new RegExp(`/w/${slug}$`));
  await expect(workshop.total('attendees')).toHaveText('0');

  // Import three attendees and a bad row: the error row is shown with its reason, the rest imported.
  const csv = ['name,email,group', ...people.map((p) => `${p.name},${p.email},${p.group}`), 'Broken Row,not-an-email,'].join('\n');
  await workshop.importPasted(csv);
  await expect(workshop.importCounts).toContainText('Imported 3');
  await expect(workshop.importCounts).toContainText('1 row with errors');
  await expect(workshop.importErrorRows).toHaveCount(1);
  await expect(workshop.importErrorRows.first()).toContainText('Broken Row');
  await expect(workshop.importErrorRows.first()).toContainText('is not an email address');
  await expect(workshop.attendeeRows).toHaveCount(3);
  await expect(workshop.total('attendees')).toHaveText('3');
  await expect(workshop.total('never-started')).toHaveText('3');
  for (const person of people) await expect(workshop.attendeeStatus(person.email)).toHaveText('never started');

  // The personal links, as a download (it re-issues every link, after a confirmation).
  const links = await workshop.downloadLinks();
  expect(links.fileName).toBe(`${slug}-links.csv`);
  const rows = parse(links.text, { columns: true, skip_empty_lines: true }) as Array<{ name: string; email: string; group: string; link: string }>;
  expect(rows.map((row) => row.email).sort()).toEqual(people.map((p) => p.email).sort());
  const linkOf = (email: string) => {
    const row = rows.find((candidate) => candidate.email === email);
    if (!row) throw new Error(`no link for ${email}`);
    expect(row.link).toMatch(new RegExp(`/w/${slug}/join\\?invite=`));
    return row.link;
  };
  const annLink = linkOf(people[0]!.email);
  const bobLink = linkOf(people[1]!.email);

  // Attendee 1 signs in with their link, opens their server, and makes and saves a notebook.
  const annContext = await browser.newContext({ baseURL: e2eLauncher.url });
  const bobContext = await browser.newContext({ baseURL: e2eLauncher.url });
  try {
    const ann = await annContext.newPage();
    await ann.goto(annLink);
    const annWorkshop = new AttendeeWorkshopPage(ann);
    await expect(annWorkshop.signedInAs).toContainText('Ann Lee');
    await annWorkshop.openServer.click();
    const annTree = new NotebookTreePage(ann);
    await annTree.waitUntilReady();
    const serverId = annTree.serverId();
    expect(serverId).toMatch(new RegExp(`^ws-${slug}-`));

    // The dashboard follows on its own.
    await expect(workshop.attendeeStatus(people[0]!.email)).toHaveText('running');
    await expect(workshop.total('running')).toHaveText('1');

    const notebook = await annTree.newPythonNotebook();
    const marker = `saved by ann ${Date.now()}`;
    await notebook.runInCell(0, `print("${marker}")`);
    await expect(notebook.output(0)).toContainText(marker);
    await notebook.page.keyboard.press('Control+s');
    const notebookName = decodeURIComponent(new URL(notebook.page.url()).pathname.split('/notebooks/')[1]!);
    await expect.poll(() => notebook.page.evaluate(async (path) => {
      const response = await fetch(path, { credentials: 'same-origin' });
      return response.ok ? JSON.stringify((await response.json() as { content: unknown }).content) : `HTTP ${response.status}`;
    }, `/s/${serverId}/api/contents/${encodeURIComponent(notebookName)}?content=1`)).toContain(marker);
    await notebook.page.close();

    // The organizer stops Ann's server from the dashboard.
    await workshop.attendeeButton(people[0]!.email, 'stop').click();
    await expect(workshop.attendeeStatus(people[0]!.email)).toHaveText('stopped');
    await expect(workshop.total('stopped')).toHaveText('1');
    await expect(workshop.total('running')).toHaveText('0');

    // Ann comes back through her link: her server starts again with the notebook there.
    await ann.goto(annLink);
    await expect(annWorkshop.signedInAs).toContainText('Ann Lee');
    await annWorkshop.openServer.click();
    await annTree.waitUntilReady();
    expect(annTree.serverId()).toBe(serverId);
    await expect(annTree.fileList).toContainText(notebookName);

    // Attendee 2, signed in with their own link, is refused Ann's server.
    const bob = await bobContext.newPage();
    await bob.goto(bobLink);
    await expect(new AttendeeWorkshopPage(bob).signedInAs).toContainText('Bob Ray');
    // Her server has its own origin, where Bob's browser holds no grant: he is sent back to his
    // workshop page, and a script on that origin asking for her files is refused.
    const annOrigin = new URL(annTree.page.url()).origin;
    expect(annOrigin).not.toBe(new URL(e2eLauncher.url).origin);
    await bob.goto(`/s/${serverId}/tree`);
    await expect(bob).toHaveURL(`${e2eLauncher.url}/w/${slug}`);
    await expect(new AttendeeWorkshopPage(bob).signedInAs).toContainText('Bob Ray');
    await bob.goto(`${annOrigin}/no-such-page`);
    const apiStatus = await bob.evaluate(async (path) => (await fetch(path, { headers: { accept: 'application/json' } })).status, `/s/${serverId}/api/contents`);
    expect([401, 403]).toContain(apiStatus);
  } finally {
    await annContext.close();
    await bobContext.close();
  }
});
