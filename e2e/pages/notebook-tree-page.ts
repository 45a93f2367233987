import { expect, test, type Locator, type Page } from '@playwright/test';
import { NotebookPage } from './notebook-page.js';

/** Jupyter Notebook 6's file browser ("tree") under /s/<id>/tree. */
export class NotebookTreePage {
  static readonly urlPattern = /\/s\/([a-z0-9-]+)\/tree(?:[?#/]|$)/;

  readonly fileList: Locator;
  readonly newButton: Locator;
  readonly newPython3: Locator;

  private networkChanged = false;

  constructor(readonly page: Page) {
    // Docker adding a container's interface can make Chromium cancel the page's scripts in
    // flight (net::ERR_NETWORK_CHANGED): the browser reacting to the host, not the server failing.
    page.on('requestfailed', (request) => {
      if (request.failure()?.errorText.includes('ERR_NETWORK_CHANGED')) this.networkChanged = true;
    });
    this.fileList = page.locator('#notebook_list');
    this.newButton = page.locator('#new-dropdown-button');
    this.newPython3 = page.locator('#kernel-python3 a');
  }

  /** Waits until the tree is on screen with its kernel list loaded (the "New" menu is filled in by an API call). */
  async waitUntilReady(): Promise<void> {
    await expect(this.page).toHaveURL(NotebookTreePage.urlPattern, { timeout: 60_000 });
    try {
      await expect(this.fileList).toBeVisible({ timeout: 20_000 });
    } catch (error) {
      // Only a load the browser itself broke off is loaded again (seen by this page, or the
      // page's HTML arrived but its require.js never ran); anything else fails here.
      const scriptsLost = await this.page.evaluate(() => typeof (globalThis as { requirejs?: unknown }).requirejs === 'undefined');
      if (!this.networkChanged && !scriptsLost) throw error;
      test.info().annotations.push({ type: 'reloaded', description: 'the tree page lost its scripts (net::ERR_NETWORK_CHANGED)' });
      this.networkChanged = false;
      await this.page.reload();
      await expect(this.fileList).toBeVisible();
    }
    await expect(this.newButton).toBeEnabled();
    await expect(this.newPython3).toBeAttached();
  }

  /** The server id in the current URL. */
  serverId(): string {
    const match = NotebookTreePage.urlPattern.exec(new URL(this.page.url()).pathname);
    if (!match) throw new Error(`Not a notebook tree URL: ${this.page.url()}`);
    return match[1]!;
  }

  private contentsPath(name: string): string {
    return `/s/${this.serverId()}/api/contents/${encodeURIComponent(name)}`;
  }

  /** Saves a text file through Jupyter's contents API, as Jupyter's own pages do (its `_xsrf` cookie sent back as a header). */
  async saveTextFile(name: string, text: string): Promise<void> {
    const path = this.contentsPath(name);
    const cookies = await this.page.context().cookies(new URL(path, this.page.url()).href);
    const xsrf = cookies.find((cookie) => cookie.name === '_xsrf')?.value ?? '';
    const status = await this.page.evaluate(async ({ path, content, xsrf }) => {
      const response = await fetch(path, {
        method: 'PUT',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-xsrftoken': xsrf },
        body: JSON.stringify({ type: 'file', format: 'text', content }),
      });
      return response.status;
    }, { path, content: text, xsrf });
    expect(status, `saving ${name}`).toBeLessThan(300);
  }

  /** A text file's content through Jupyter's contents API, or `HTTP <status>`. */
  readTextFile(name: string): Promise<string> {
    return this.page.evaluate(async (path) => {
      const response = await fetch(path, { credentials: 'same-origin' });
      return response.ok ? (await response.json() as { content: string }).content : `HTTP ${response.status}`;
    }, `${this.contentsPath(name)}?content=1&type=file&format=text`);
  }

  /** New → Python 3. Notebook 6 opens the new notebook in a new tab; resolves to that tab. */
  async newPythonNotebook(): Promise<NotebookPage> {
    await this.newButton.click();
    await expect(this.newPython3).toBeVisible();
    const [popup] = await Promise.all([
      this.page.context().waitForEvent('page'),
      this.newPython3.click(),
    ]);
    const notebook = new NotebookPage(popup);
    await notebook.waitUntilReady();
    return notebook;
  }
}
