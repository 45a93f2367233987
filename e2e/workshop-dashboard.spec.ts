import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import type { BrowserContext, Page } from '@playwright/test';
import { createOrganizerToken } from '../src/auth/organizer-tokens.js';
import { labelKeys } from '../src/runtime/labels.js';
import { expect, test } from './fixtures.js';
import { AttendeeWorkshopPage } from './pages/attendee-workshop-page.js';
import { MessagePage } from './pages/message-page.js';
import { NotebookTreePage } from './pages/notebook-tree-page.js';
import { WorkshopJoinPage } from './pages/workshop-join-page.js';
import { WorkshopSignInPage } from './pages/workshop-sign-in-page.js';
import { localInputValue, OrganizerDashboardPage, OrganizerSignInPage, WorkshopDashboardPage, type WorkshopFields } from './pages/organizer-dashboard-page.js';

const run = promisify(execFile);

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

/**
 * Pages start signed in as an organizer: one sign-in per worker (sign-ins are rate-limited per
 * address, and workshop.spec.ts signs in through the form already).
 */
const it = test.extend<{}, { organizerState: StorageState }>({
  organizerState: [async ({ browser, e2eLauncher }, use) => {
    const { token } = await createOrganizerToken(e2eLauncher.launcher.deps.workshopStores.organizerTokens, 'e2e dashboard organizer');
    const context = await browser.newContext({ baseURL: e2eLauncher.url });
    try {
      const page = await context.newPage();
      await page.goto('/organizer/sign-in');
      await new OrganizerSignInPage(page).signIn(token);
      await new OrganizerDashboardPage(page).waitUntilReady();
      await use(await context.storageState());
    } finally {
      await context.close();
    }
  }, { scope: 'worker' }],
  storageState: async ({ organizerState }, use) => { await use(organizerState); },
});

function uniqueSlug(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

/** Creates a workshop running now through the dashboard's form; resolves on its page. */
async function createWorkshop(page: Page, slug: string, title: string, fields: WorkshopFields = {}): Promise<WorkshopDashboardPage> {
  await page.goto(OrganizerDashboardPage.path);
  const dashboard = new OrganizerDashboardPage(page);
  await dashboard.waitUntilReady();
  const now = Date.now();
  await dashboard.create({ title, slug, startsAt: new Date(now - 60 * 60_000), endsAt: new Date(now + 3 * 60 * 60_000), ...fields });
  const workshop = new WorkshopDashboardPage(page);
  await workshop.waitUntilReady();
  await expect(workshop.title).toHaveText(title);
  return workshop;
}

/** When the running container of an attendee's server started, as Docker says ('' when none runs). */
async function containerStartedAt(instance: string, attendeeId: string): Promise<string> {
  const { stdout } = await run('docker', ['ps', '-q', '--filter', `label=${labelKeys.instance}=${instance}`, '--filter', `label=${labelKeys.attendee}=${attendeeId}`]);
  const ids = stdout.split(/\s+/).filter(Boolean);
  if (ids.length === 0) return '';
  return (await run('docker', ['inspect', '--format', '{{.State.StartedAt}}', ...ids])).stdout.trim();
}

async function homeVolumes(instance: string, slug: string): Promise<string[]> {
  const { stdout } = await run('docker', ['volume', 'ls', '-q', '--filter', `label=${labelKeys.instance}=${instance}`, '--filter', `label=${labelKeys.workshop}=${slug}`]);
  return stdout.split(/\s+/).filter(Boolean);
}

/** `tar` over a .tar.gz in memory: `-t` lists it, `-xO <path>` prints one file. */
function tar(archive: Buffer, mode: '-t' | '-xO', ...paths: string[]): string {
  const args = [mode, '-z', '-f', '-', ...paths];
  const result = spawnSync('tar', args, { input: archive, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tar ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

it.describe('an attendee table driven from the dashboard', () => {
  it.describe.configure({ mode: 'serial' });

  const ann = { name: 'Ann Lee', email: 'ann@example.org' };
  const bob = { name: 'Bob Ray', email: 'bob@example.org' };
  const cy = { name: 'Cy Dee', email: 'cy@example.org' };
  const slug = uniqueSlug('dash');
  const marker = `written by ann ${Date.now()}`;
  let context: BrowserContext;
  let workshop: WorkshopDashboardPage;
  let annId: string;
  // The workshop runs now, so the launcher warms servers for its attendees (workshops.warmServers):
  // who has a server or files besides Ann is not fixed, and the tests do not count on it.

  it.beforeAll(async ({ browser, e2eLauncher, organizerState }) => {
    context = await browser.newContext({ baseURL: e2eLauncher.url, storageState: organizerState });
    workshop = await createWorkshop(await context.newPage(), slug, 'Attendee actions');
  });

  it.afterAll(async () => {
    await context?.close();
  });

  it('imports attendees from an uploaded CSV file, with its error rows', async () => {
    const csv = ['email;name;group', `${ann.email};${ann.name};red`, `${bob.email};${bob.name};`, `${cy.email};${cy.name};blue`, `${ann.email.toUpperCase()};Ann Again;`].join('\r\n');
    await workshop.importFile('attendees.csv', csv);
    await expect(workshop.importCounts).toContainText('Imported 3');
    await expect(workshop.importCounts).toContainText('1 row with errors');
    await expect(workshop.importErrorRows).toHaveCount(1);
    await expect(workshop.importErrorRows.first()).toContainText('Ann Again');
    await expect(workshop.importErrorRows.first()).toContainText('duplicate of line 2');
    await expect(workshop.attendeeRows).toHaveCount(3);
    await expect(workshop.attendeeRow(ann.email).locator('td').nth(2)).toHaveText('red');
    await expect(workshop.total('attendees')).toHaveText('3');
    await expect(workshop.importFileInput).toHaveValue('');
    annId = await workshop.attendeeId(ann.email);
  });

  it('opens an attendee\'s server, then restarts it with their files kept', async ({ e2eLauncher }) => {
    const tree = new NotebookTreePage(await workshop.openServer(ann.email));
    await tree.waitUntilReady();
    expect(tree.serverId()).toBe(`ws-${slug}-${annId}`);
    await expect(workshop.attendeeStatus(ann.email)).toHaveText('running');
    await tree.saveTextFile('marker.txt', marker);

    const startedBefore = await containerStartedAt(e2eLauncher.instance, annId);
    expect(startedBefore).not.toBe('');
    await workshop.serverAction(ann.email, 'restart');
    const startedAfter = await containerStartedAt(e2eLauncher.instance, annId);
    expect(startedAfter).not.toBe('');
    expect(startedAfter).not.toBe(startedBefore);
    await expect(workshop.attendeeStatus(ann.email)).toHaveText('running');
    await expect(workshop.error).toBeHidden();

    await tree.page.reload();
    await tree.waitUntilReady();
    expect(await tree.readTextFile('marker.txt')).toBe(marker);
    await tree.page.close();
  });

  it('re-issues a link: the new one signs in, the old one answers 410', async ({ browser, e2eLauncher }) => {
    const firstLink = await workshop.reissueLink(ann.email);
    await expect(workshop.reissuedName).toHaveText(ann.name);
    const annContext = await browser.newContext({ baseURL: e2eLauncher.url });
    try {
      const annPage = await annContext.newPage();
      await annPage.goto(firstLink);
      await expect(new AttendeeWorkshopPage(annPage).signedInAs).toContainText(ann.name);

      const newLink = await workshop.reissueLink(ann.email);
      expect(newLink).not.toBe(firstLink);
      // The session signed in with the replaced link has ended.
      await annPage.goto(`/w/${slug}`);
      await expect(annPage).toHaveURL(new RegExp(`/w/${slug}/sign-in$`));

      const refused = await annPage.goto(firstLink);
      expect(refused?.status()).toBe(410);
      await expect(new MessagePage(annPage).text).toContainText('replaced by a newer one');

      await annPage.goto(newLink);
      await expect(new AttendeeWorkshopPage(annPage).signedInAs).toContainText(ann.name);
    } finally {
      await annContext.close();
    }
  });

  it('removes an attendee: their link stops working, their row stays', async ({ browser, e2eLauncher }) => {
    const bobLink = await workshop.reissueLink(bob.email);
    const bobId = await workshop.attendeeId(bob.email);
    await workshop.removeAttendee(bob.email);
    await expect(workshop.attendeeStatus(bob.email)).toHaveText('removed');
    // A removed attendee can only be let back in (a new link); no server buttons.
    await expect(workshop.attendeeRow(bob.email).locator('button')).toHaveText(['Re-issue link']);
    await expect(workshop.attendeeRows).toHaveCount(3);
    await expect(workshop.attendeeButton(cy.email, 'remove')).toBeVisible();
    // Their server, if one was warmed for them, has stopped.
    expect(await containerStartedAt(e2eLauncher.instance, bobId)).toBe('');

    const bobContext = await browser.newContext({ baseURL: e2eLauncher.url });
    try {
      const bobPage = await bobContext.newPage();
      const refused = await bobPage.goto(bobLink);
      expect(refused?.status()).toBe(410);
      await expect(new MessagePage(bobPage).text).toContainText('withdrawn');
    } finally {
      await bobContext.close();
    }
  });

  it('exports everyone\'s work as a tar.gz with each started attendee\'s folder', async () => {
    const archive = await workshop.exportWork();
    expect(archive.fileName).toBe(`${slug}-work.tar.gz`);
    const entries = tar(archive.bytes, '-t').split('\n').filter(Boolean);
    const annFolder = `./ann-lee-${annId}/`;
    expect(entries).toContain(annFolder);
    expect(entries).toContain(`${annFolder}marker.txt`);
    expect(tar(archive.bytes, '-xO', `${annFolder}marker.txt`)).toBe(marker);
    // One folder per attendee with files, named after them.
    const folders = entries.filter((entry) => /^\.\/[^/]+\/$/.test(entry));
    const attendeeFolders = await Promise.all([ann, bob, cy].map(async (person) => `./${person.name.toLowerCase().replace(' ', '-')}-${await workshop.attendeeId(person.email)}/`));
    for (const folder of folders) expect(attendeeFolders).toContain(folder);
  });

  it('refuses to delete the workshop while files remain; deletes it after the end and the files', async ({ e2eLauncher }) => {
    await expect(workshop.deleteVolumesButton).toBeDisabled();
    await workshop.deleteWorkshop();
    await expect(workshop.deleteError).toContainText(`The workshop "${slug}" still holds its attendees' files. First "End workshop"`);
    await expect(workshop.deleteError).not.toContainText('/api/');  // the steps as this page's buttons, not API paths
    await expect(workshop.deleteError).not.toContainText(/\bat \S+:\d+/);  // a message, not a stack trace
    await expect(workshop.page).toHaveURL(WorkshopDashboardPage.urlPattern);
    await expect(workshop.title).toHaveText('Attendee actions');

    await workshop.endWorkshop();
    // (Ann's server may have stopped already: the e2e launcher's idle limit is a few seconds.)
    await expect(workshop.notice).toContainText('The workshop has ended');
    await expect(workshop.attendeeStatus(ann.email)).toHaveText('stopped');

    await workshop.deleteVolumes();
    await expect(workshop.deleteNotice).toHaveText(/^Deleted the files of \d+ attendees?\.$/);
    expect(await homeVolumes(e2eLauncher.instance, slug)).toEqual([]);

    await workshop.deleteWorkshop();
    const dashboard = new OrganizerDashboardPage(workshop.page);
    await dashboard.waitUntilReady();
    await expect(dashboard.notice).toContainText(`The workshop "${slug}" was deleted`);
    await expect(dashboard.workshopRow(slug)).toHaveCount(0);
  });
});

it.describe('changing and deleting a workshop', () => {
  it('edits a workshop: the page shows the change, also after a reload', async ({ page, e2eGit }) => {
    const slug = uniqueSlug('edit');
    const workshop = await createWorkshop(page, slug, 'Before the edit');
    await expect(workshop.setup).toContainText('The launcher\'s default image');

    const startsAt = new Date(Date.UTC(2031, 4, 1, 9, 30));
    const endsAt = new Date(Date.UTC(2031, 4, 1, 17, 0));
    const repoUrl = `${e2eGit.baseUrl}/owner/course`;
    await workshop.edit({ title: 'After the edit', repoUrl, repoRef: 'main', repoFile: 'day1/intro.ipynb', startsAt, endsAt, memoryMb: 2048, cpus: 0.5 });
    await expect(workshop.editNotice).toHaveText('Saved.');
    await expect(workshop.editError).toBeHidden();
    await expect(workshop.title).toHaveText('After the edit');
    await expect(workshop.setup).toHaveText(`Repository ${repoUrl} at main, opening day1/intro.ipynb; 2048 MB of memory and 0.5 CPUs per server.`);
    const shownTimes = await page.evaluate(([start, end]) => `${new Date(start!).toLocaleString()} – ${new Date(end!).toLocaleString()}`, [startsAt.toISOString(), endsAt.toISOString()]);
    await expect(workshop.times).toHaveText(shownTimes);

    // Saved for real: a reload fills the form in with the new values.
    await page.reload();
    await workshop.waitUntilReady();
    await expect(workshop.editForm.input('title')).toHaveValue('After the edit');
    await expect(workshop.editForm.input('repo-url')).toHaveValue(repoUrl);
    await expect(workshop.editForm.input('repo-ref')).toHaveValue('main');
    await expect(workshop.editForm.input('repo-file')).toHaveValue('day1/intro.ipynb');
    await expect(workshop.editForm.input('starts')).toHaveValue(localInputValue(startsAt));
    await expect(workshop.editForm.input('ends')).toHaveValue(localInputValue(endsAt));
    await expect(workshop.editForm.input('memory')).toHaveValue('2048');
    await expect(workshop.editForm.input('cpus')).toHaveValue('0.5');

    // Saving again with nothing changed sends nothing.
    await workshop.edit({});
    await expect(workshop.editNotice).toHaveText('Nothing to save: the form shows the workshop as it is.');

    // An emptied repository URL goes back to the default image; the rest stays.
    await workshop.edit({ repoUrl: '' });
    await expect(workshop.setup).toHaveText('The launcher\'s default image; 2048 MB of memory and 0.5 CPUs per server.');
    const saved = await page.request.get(`/api/workshops/${slug}`);
    expect(await saved.json()).toMatchObject({ title: 'After the edit', repo: null, startsAt: startsAt.toISOString(), limits: { memoryMb: 2048, cpus: 0.5 } });

    await page.goto(OrganizerDashboardPage.path);
    await expect(new OrganizerDashboardPage(page).workshopRow(slug)).toContainText('After the edit');
  });

  it('shows why an edit is refused, and changes nothing', async ({ page }) => {
    const slug = uniqueSlug('bad-edit');
    const workshop = await createWorkshop(page, slug, 'Kept title');
    const startsAt = new Date(Date.UTC(2031, 4, 1, 17, 0));
    await workshop.edit({ title: 'Not saved', startsAt, endsAt: new Date(startsAt.getTime() - 60 * 60_000) });
    await expect(workshop.editError).toHaveText('The workshop is not valid: endsAt must be after startsAt.');
    await expect(workshop.editNotice).toBeHidden();
    await expect(workshop.title).toHaveText('Kept title');

    await page.reload();
    await workshop.waitUntilReady();
    await expect(workshop.editForm.input('title')).toHaveValue('Kept title');
    await expect(workshop.editError).toBeHidden();
  });

  it('deletes a workshop that has no attendees', async ({ page }) => {
    const slug = uniqueSlug('gone');
    const workshop = await createWorkshop(page, slug, 'To be deleted');
    await workshop.deleteWorkshop();
    const dashboard = new OrganizerDashboardPage(page);
    await dashboard.waitUntilReady();
    await expect(dashboard.notice).toContainText(`The workshop "${slug}" was deleted`);
    await expect(dashboard.workshopRow(slug)).toHaveCount(0);
    expect((await page.request.get(`/api/workshops/${slug}`)).status()).toBe(404);

    // The notice is shown once: the address no longer carries it.
    await page.reload();
    await dashboard.waitUntilReady();
    await expect(dashboard.notice).toBeHidden();
  });
});

it.describe('warming a workshop up before it starts', () => {
  it('shows when the warm-up begins, warms on request, and lists the workshop\'s pool on the dashboard', async ({ page }) => {
    const slug = uniqueSlug('warm');
    const startsAt = new Date(Date.now() + 2 * 24 * 60 * 60_000);
    const workshop = await createWorkshop(page, slug, 'Warm before the start', { startsAt, endsAt: new Date(startsAt.getTime() + 3 * 60 * 60_000), warmServers: 1 });
    await expect(workshop.editForm.input('warm-servers')).toHaveValue('1');
    await expect(workshop.warmupState).toContainText('begins');
    await expect(workshop.warmupDetail).toContainText('1 servers are warmed from then on');

    await workshop.warmNow();
    await expect(workshop.notice).toContainText('Warm-up started');
    await expect(workshop.warmupState).toHaveText('ready: 1 of 1 servers warm', { timeout: 90_000 });

    await page.goto(OrganizerDashboardPage.path);
    const dashboard = new OrganizerDashboardPage(page);
    await dashboard.waitUntilReady();
    await expect(dashboard.workshopWarmup(slug)).toHaveText('ready: 1 of 1 servers warm');
    await expect(dashboard.poolReady(`workshop/${slug}`)).toHaveText('1');

    // Deleted, it gives its pooled server back.
    await page.goto(`/organizer/workshops/${slug}`);
    await workshop.waitUntilReady();
    await workshop.deleteWorkshop();
    await dashboard.waitUntilReady();
    await expect(dashboard.poolReady(`workshop/${slug}`)).toHaveText('0', { timeout: 60_000 });
  });
});

it.describe('signing in with the workshop code', () => {
  it('lets a registered attendee without their link in with the code from the dashboard and their email', async ({ page, browser, e2eLauncher }) => {
    const slug = uniqueSlug('code');
    const workshop = await createWorkshop(page, slug, 'Code sign-in');
    await workshop.importPasted('Cy Doe <cy@example.org>');
    await expect(workshop.attendeeRows).toHaveCount(1);
    const first = (await workshop.accessCode.textContent()) ?? '';
    expect(first).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await workshop.newAccessCode();
    await expect(workshop.accessCode).not.toHaveText(first);
    const code = (await workshop.accessCode.textContent()) ?? '';

    const context = await browser.newContext({ baseURL: e2eLauncher.url });
    try {
      const attendee = await context.newPage();
      await attendee.goto(`/w/${slug}`);
      await expect(attendee).toHaveURL(new RegExp(`/w/${slug}/sign-in$`));
      const signIn = new WorkshopSignInPage(attendee);
      await signIn.signIn(first, 'cy@example.org');
      await expect(signIn.notice).toContainText('not this workshop\'s code');
      await signIn.signIn(code.toLowerCase(), 'someone@example.org');
      await expect(signIn.notice).toContainText('someone@example.org is not registered');
      await signIn.signIn(code.toLowerCase(), 'CY@example.org');
      await expect(attendee).toHaveURL(new RegExp(`/w/${slug}$`));
      await expect(new AttendeeWorkshopPage(attendee).signedInAs).toContainText('Cy Doe');
      await expect(workshop.attendeeClaimed('cy@example.org')).toBeVisible();

      // Someone else in the room with the code and Cy's email: refused, and Cy stays signed in.
      const other = await browser.newContext({ baseURL: e2eLauncher.url });
      try {
        const impostor = await other.newPage();
        await impostor.goto(`/w/${slug}/sign-in`);
        const impostorSignIn = new WorkshopSignInPage(impostor);
        await impostorSignIn.signIn(code, 'cy@example.org');
        await expect(impostorSignIn.notice).toContainText('Someone already signed in as cy@example.org');
        await expect(impostor).toHaveURL(new RegExp(`/w/${slug}/sign-in$`));
      } finally {
        await other.close();
      }
      await attendee.reload();
      await expect(new AttendeeWorkshopPage(attendee).signedInAs).toContainText('Cy Doe');
    } finally {
      await context.close();
    }
  });
});

it.describe('personal links', () => {
  it('sign a fresh browser in at once, and ask a browser signed in as another attendee before switching', async ({ page, browser, e2eLauncher }) => {
    const slug = uniqueSlug('links');
    const workshop = await createWorkshop(page, slug, 'Personal links');
    await workshop.importPasted('Di Doe <di@example.org>\nEd Roe <ed@example.org>');
    await expect(workshop.attendeeRows).toHaveCount(2);
    const { text } = await workshop.downloadLinks();
    const linkOf = (email: string) => text.split('\n').find((line) => line.includes(email))!.split(',').pop()!.trim();

    const context = await browser.newContext({ baseURL: e2eLauncher.url });
    try {
      const attendee = await context.newPage();
      await attendee.goto(linkOf('di@example.org'));
      const signedIn = new AttendeeWorkshopPage(attendee);
      await expect(signedIn.signedInAs).toContainText('Di Doe');

      await attendee.goto(linkOf('ed@example.org'));
      const join = new WorkshopJoinPage(attendee);
      await expect(join.current).toContainText('Di Doe');
      await expect(join.continueButton).toHaveText('Continue as Ed Roe');
      await join.stay.click();
      await expect(signedIn.signedInAs).toContainText('Di Doe');

      await attendee.goto(linkOf('ed@example.org'));
      await join.continueButton.click();
      await expect(attendee).toHaveURL(new RegExp(`/w/${slug}$`));
      await expect(signedIn.signedInAs).toContainText('Ed Roe');
    } finally {
      await context.close();
    }
  });
});
