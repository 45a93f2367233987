import { expect, type Locator, type Page } from '@playwright/test';

/** /organizer/sign-in: an organizer token in, the dashboard out. */
export class OrganizerSignInPage {
  readonly token: Locator;
  readonly submit: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.token = page.locator('#sign-in-token');
    this.submit = page.locator('#sign-in-button');
    this.error = page.locator('#sign-in-error');
  }

  async signIn(token: string): Promise<void> {
    await this.token.fill(token);
    await this.submit.click();
  }
}

export interface NewWorkshop {
  title: string;
  slug: string;
  startsAt: Date;
  endsAt: Date;
  repoUrl?: string;
  memoryMb?: number;
}

/** A time as a datetime-local input takes it: the browser's local time, to the minute. */
function localInputValue(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** /organizer: the list of workshops and the create form. */
export class OrganizerDashboardPage {
  static readonly path = '/organizer';

  readonly workshopRows: Locator;
  readonly createError: Locator;

  constructor(readonly page: Page) {
    this.workshopRows = page.locator('#workshop-rows tr[data-slug]');
    this.createError = page.locator('#create-error');
  }

  async waitUntilReady(): Promise<void> {
    await expect(this.page).toHaveURL(/\/organizer$/);
    await expect(this.page.locator('#workshop-rows')).not.toContainText('Loading');
  }

  workshopRow(slug: string): Locator {
    return this.page.locator(`#workshop-rows tr[data-slug="${slug}"]`);
  }

  /** Fills in and sends the create form (the browser's time zone is used for the times). */
  async create(workshop: NewWorkshop): Promise<void> {
    await this.page.locator('#create-title').fill(workshop.title);
    await this.page.locator('#create-slug').fill(workshop.slug);
    if (workshop.repoUrl) await this.page.locator('#create-repo-url').fill(workshop.repoUrl);
    await this.page.locator('#create-starts').fill(localInputValue(workshop.startsAt));
    await this.page.locator('#create-ends').fill(localInputValue(workshop.endsAt));
    if (workshop.memoryMb) await this.page.locator('#create-memory').fill(String(workshop.memoryMb));
    await this.page.locator('#create-workshop').click();
  }
}

/** /organizer/workshops/<slug>: link, totals, attendees and their servers, import, links, end. */
export class WorkshopDashboardPage {
  static readonly urlPattern = /\/organizer\/workshops\/([a-z0-9-]+)$/;

  readonly title: Locator;
  readonly link: Locator;
  readonly error: Locator;
  readonly attendeeRows: Locator;
  readonly importText: Locator;
  readonly importButton: Locator;
  readonly importCounts: Locator;
  readonly importErrorRows: Locator;
  readonly downloadLinksButton: Locator;

  constructor(readonly page: Page) {
    this.title = page.locator('#ws-title');
    this.link = page.locator('#ws-link');
    this.error = page.locator('#ws-error');
    this.attendeeRows = page.locator('#attendee-rows tr');
    this.importText = page.locator('#import-text');
    this.importButton = page.locator('#import-button');
    this.importCounts = page.locator('#import-counts');
    this.importErrorRows = page.locator('#import-error-rows tr');
    this.downloadLinksButton = page.locator('#download-links');
  }

  async waitUntilReady(): Promise<void> {
    await expect(this.page).toHaveURL(WorkshopDashboardPage.urlPattern);
    await expect(this.link).toHaveValue(/\/w\/[a-z0-9-]+$/);
  }

  /** A total at the top: attendees, never-started, starting, running or stopped. */
  total(name: 'attendees' | 'never-started' | 'starting' | 'running' | 'stopped'): Locator {
    return this.page.locator(`#total-${name}`);
  }

  attendeeRow(email: string): Locator {
    return this.page.locator(`#attendee-rows tr[data-email="${email}"]`);
  }

  attendeeStatus(email: string): Locator {
    return this.attendeeRow(email).locator('td.status');
  }

  attendeeButton(email: string, action: 'open' | 'stop' | 'restart' | 'reissue' | 'remove'): Locator {
    return this.attendeeRow(email).locator(`button[data-action="${action}"]`);
  }

  async importPasted(text: string): Promise<void> {
    await this.importText.fill(text);
    await this.importButton.click();
  }

  /** Confirms the re-issue and resolves to the downloaded CSV's text. */
  async downloadLinks(): Promise<{ fileName: string; text: string }> {
    this.page.once('dialog', (dialog) => { void dialog.accept(); });
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.downloadLinksButton.click(),
    ]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
    return { fileName: download.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') };
  }
}
