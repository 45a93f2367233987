import { expect, type Download, type Locator, type Page } from '@playwright/test';

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

/** The fields the create and edit forms share; an empty string empties a field (`repoUrl: ''` removes the repo). */
export interface WorkshopFields {
  title?: string;
  repoUrl?: string;
  repoRef?: string;
  repoFile?: string;
  startsAt?: Date;
  endsAt?: Date;
  memoryMb?: number;
  cpus?: number;
  warmServers?: number;
}

export interface NewWorkshop extends WorkshopFields {
  title: string;
  slug: string;
  startsAt: Date;
  endsAt: Date;
}

/** A time as a datetime-local input takes it: the browser's local time, to the minute. */
export function localInputValue(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The inputs of web/organizer-workshop-fields.html (and the title) in the create form (`create-…`) or the edit form (`edit-…`). */
export class WorkshopFieldsForm {
  constructor(readonly page: Page, readonly prefix: 'create' | 'edit') {}

  input(name: 'title' | 'repo-url' | 'repo-ref' | 'repo-file' | 'starts' | 'ends' | 'memory' | 'cpus' | 'warm-servers'): Locator {
    return this.page.locator(`#${this.prefix}-${name}`);
  }

  /** Fills in the fields given, leaving the others as they are. */
  async fill(fields: WorkshopFields): Promise<void> {
    const inputs: Array<[Parameters<WorkshopFieldsForm['input']>[0], string | number | Date | undefined]> = [
      ['title', fields.title], ['repo-url', fields.repoUrl], ['repo-ref', fields.repoRef], ['repo-file', fields.repoFile],
      ['starts', fields.startsAt], ['ends', fields.endsAt], ['memory', fields.memoryMb], ['cpus', fields.cpus],
      ['warm-servers', fields.warmServers],
    ];
    for (const [name, value] of inputs) {
      if (value !== undefined) await this.input(name).fill(value instanceof Date ? localInputValue(value) : String(value));
    }
  }
}

/** Accepts the confirmation dialog that `action` opens. */
async function confirming(page: Page, action: () => Promise<void>): Promise<void> {
  page.once('dialog', (dialog) => { void dialog.accept(); });
  await action();
}

/** A finished download's name and bytes. */
async function downloaded(download: Download): Promise<{ fileName: string; bytes: Buffer }> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(Buffer.from(chunk as Buffer));
  return { fileName: download.suggestedFilename(), bytes: Buffer.concat(chunks) };
}

/** /organizer: the list of workshops and the create form. */
export class OrganizerDashboardPage {
  static readonly path = '/organizer';

  readonly workshopRows: Locator;
  readonly createError: Locator;
  readonly notice: Locator;
  readonly createForm: WorkshopFieldsForm;

  constructor(readonly page: Page) {
    this.workshopRows = page.locator('#workshop-rows tr[data-slug]');
    this.createError = page.locator('#create-error');
    this.notice = page.locator('#dashboard-notice');
    this.createForm = new WorkshopFieldsForm(page, 'create');
  }

  async waitUntilReady(): Promise<void> {
    await expect(this.page).toHaveURL(/\/organizer$/);
    await expect(this.page.locator('#workshop-rows')).not.toContainText('Loading');
  }

  workshopRow(slug: string): Locator {
    return this.page.locator(`#workshop-rows tr[data-slug="${slug}"]`);
  }

  /** The warm-up column of a workshop's row. */
  workshopWarmup(slug: string): Locator {
    return this.workshopRow(slug).locator('td.warmup');
  }

  /** A warm pool's ready count, e.g. for `workshop/<slug>` or `default`. */
  poolReady(key: string): Locator {
    return this.page.locator(`#pool-rows tr[data-pool="${key}"] td.ready`);
  }

  /** Fills in and sends the create form (the browser's time zone is used for the times). */
  async create(workshop: NewWorkshop): Promise<void> {
    const { slug, ...fields } = workshop;
    await this.createForm.fill(fields);
    await this.page.locator('#create-slug').fill(slug);
    await this.page.locator('#create-workshop').click();
  }
}

/** /organizer/workshops/<slug>: link, totals, attendees and their servers, import, links, end, export, edit, delete. */
export class WorkshopDashboardPage {
  static readonly urlPattern = /\/organizer\/workshops\/([a-z0-9-]+)$/;

  readonly title: Locator;
  readonly times: Locator;
  readonly setup: Locator;
  readonly link: Locator;
  readonly error: Locator;
  readonly notice: Locator;
  readonly attendeeRows: Locator;
  readonly importFileInput: Locator;
  readonly importText: Locator;
  readonly importButton: Locator;
  readonly importCounts: Locator;
  readonly importErrorRows: Locator;
  readonly reissuedName: Locator;
  readonly reissuedLink: Locator;
  readonly downloadLinksButton: Locator;
  readonly exportLink: Locator;
  readonly endButton: Locator;
  readonly editForm: WorkshopFieldsForm;
  readonly editError: Locator;
  readonly editNotice: Locator;
  readonly deleteVolumesButton: Locator;
  readonly deleteButton: Locator;
  readonly deleteError: Locator;
  readonly deleteNotice: Locator;
  readonly warmupState: Locator;
  readonly warmupDetail: Locator;
  readonly warmNowButton: Locator;
  readonly accessCode: Locator;
  readonly newCodeButton: Locator;

  constructor(readonly page: Page) {
    this.title = page.locator('#ws-title');
    this.times = page.locator('#ws-times');
    this.setup = page.locator('#ws-setup');
    this.link = page.locator('#ws-link');
    this.error = page.locator('#ws-error');
    this.notice = page.locator('#ws-notice');
    this.attendeeRows = page.locator('#attendee-rows tr');
    this.importFileInput = page.locator('#import-file');
    this.importText = page.locator('#import-text');
    this.importButton = page.locator('#import-button');
    this.importCounts = page.locator('#import-counts');
    this.importErrorRows = page.locator('#import-error-rows tr');
    this.reissuedName = page.locator('#reissued-name');
    this.reissuedLink = page.locator('#reissued-value');
    this.downloadLinksButton = page.locator('#download-links');
    this.exportLink = page.locator('#export-work');
    this.endButton = page.locator('#end-workshop');
    this.editForm = new WorkshopFieldsForm(page, 'edit');
    this.editError = page.locator('#edit-error');
    this.editNotice = page.locator('#edit-notice');
    this.deleteVolumesButton = page.locator('#delete-volumes');
    this.deleteButton = page.locator('#delete-workshop');
    this.deleteError = page.locator('#delete-error');
    this.deleteNotice = page.locator('#delete-notice');
    this.warmupState = page.locator('#warmup-state');
    this.warmupDetail = page.locator('#warmup-detail');
    this.warmNowButton = page.locator('#warm-now');
    this.accessCode = page.locator('#ws-code');
    this.newCodeButton = page.locator('#code-new');
  }

  async waitUntilReady(): Promise<void> {
    await expect(this.page).toHaveURL(WorkshopDashboardPage.urlPattern);
    await expect(this.link).toHaveValue(/\/w\/[a-z0-9-]+$/);
    // Filled in with the workshop before the link, so nothing the test types is overwritten.
    await expect(this.editForm.input('title')).not.toHaveValue('');
  }

  /** A total at the top: attendees, never-started, starting, running or stopped. */
  total(name: 'attendees' | 'never-started' | 'starting' | 'running' | 'stopped'): Locator {
    return this.page.locator(`#total-${name}`);
  }

  attendeeRow(email: string): Locator {
    return this.page.locator(`#attendee-rows tr[data-email="${email}"]`);
  }

  /** The mark of a seat someone signed in to: the workshop code no longer signs in as this attendee. */
  attendeeClaimed(email: string): Locator {
    return this.attendeeRow(email).locator('.claimed');
  }

  attendeeStatus(email: string): Locator {
    return this.attendeeRow(email).locator('td.status');
  }

  async attendeeId(email: string): Promise<string> {
    const id = await this.attendeeRow(email).getAttribute('data-id');
    if (!id) throw new Error(`no attendee row for ${email}`);
    return id;
  }

  attendeeButton(email: string, action: 'open' | 'stop' | 'restart' | 'reissue' | 'remove'): Locator {
    return this.attendeeRow(email).locator(`button[data-action="${action}"]`);
  }

  async importPasted(text: string): Promise<void> {
    await this.importText.fill(text);
    await this.importButton.click();
  }

  /** Chooses a file in the import form's file input and imports it. */
  async importFile(name: string, text: string): Promise<void> {
    await this.importFileInput.setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
    await this.importButton.click();
  }

  /** Clicks "Open" for an attendee; resolves to the tab it opens (their server, once started). */
  async openServer(email: string): Promise<Page> {
    const [tab] = await Promise.all([
      this.page.context().waitForEvent('page'),
      this.attendeeButton(email, 'open').click(),
    ]);
    return tab;
  }

  /** Clicks an attendee's "Stop" or "Restart" and waits for the launcher's answer to it. */
  async serverAction(email: string, action: 'stop' | 'restart'): Promise<void> {
    const [response] = await Promise.all([
      this.page.waitForResponse((answer) => answer.request().method() === 'POST' && answer.url().endsWith(`/server/${action}`)),
      this.attendeeButton(email, action).click(),
    ]);
    expect(response.ok(), `${action} answered ${response.status()}`).toBe(true);
  }

  /** Confirms re-issuing an attendee's link and resolves to the new link the page shows. */
  async reissueLink(email: string): Promise<string> {
    const before = await this.reissuedLink.inputValue();
    await confirming(this.page, () => this.attendeeButton(email, 'reissue').click());
    await expect(this.reissuedLink).not.toHaveValue(before);
    await expect(this.reissuedLink).toHaveValue(/\/join\?invite=/);
    return this.reissuedLink.inputValue();
  }

  async removeAttendee(email: string): Promise<void> {
    await confirming(this.page, () => this.attendeeButton(email, 'remove').click());
  }

  /** Confirms the re-issue and resolves to the downloaded CSV's text. */
  async downloadLinks(): Promise<{ fileName: string; text: string }> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      confirming(this.page, () => this.downloadLinksButton.click()),
    ]);
    const { fileName, bytes } = await downloaded(download);
    return { fileName, text: bytes.toString('utf8') };
  }

  /** "Export everyone's work": the .tar.gz download. */
  async exportWork(): Promise<{ fileName: string; bytes: Buffer }> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.exportLink.click(),
    ]);
    return downloaded(download);
  }

  async endWorkshop(): Promise<void> {
    await confirming(this.page, () => this.endButton.click());
  }

  /** Fills in the edit form with `fields` (the others keep what the page filled in) and saves. */
  async edit(fields: WorkshopFields): Promise<void> {
    await this.editForm.fill(fields);
    await this.page.locator('#edit-workshop').click();
  }

  async deleteVolumes(): Promise<void> {
    await confirming(this.page, () => this.deleteVolumesButton.click());
  }

  async deleteWorkshop(): Promise<void> {
    await confirming(this.page, () => this.deleteButton.click());
  }

  /** Makes a new workshop code (confirming that the old one stops working). */
  async newAccessCode(): Promise<void> {
    await confirming(this.page, () => this.newCodeButton.click());
  }

  /** Starts the warm-up now rather than before the start time. */
  async warmNow(): Promise<void> {
    await this.warmNowButton.click();
  }
}
