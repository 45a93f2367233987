import { expect, type Locator, type Page } from '@playwright/test';

/** The home page's "Share a repository" form and the link and badge it makes. */
export class ShareForm {
  readonly url: Locator;
  readonly ref: Locator;
  readonly file: Locator;
  readonly submit: Locator;
  readonly error: Locator;
  readonly link: Locator;
  readonly markdown: Locator;
  readonly html: Locator;
  readonly badge: Locator;

  constructor(readonly page: Page) {
    this.url = page.locator('#share-url');
    this.ref = page.locator('#share-ref');
    this.file = page.locator('#share-file');
    this.submit = page.locator('#share-button');
    this.error = page.locator('#share-error');
    this.link = page.locator('#share-link');
    this.markdown = page.locator('#share-markdown');
    this.html = page.locator('#share-html');
    this.badge = page.locator('#share-badge');
  }

  async makeLink(repoUrl: string, options: { ref?: string; file?: string } = {}): Promise<string> {
    await this.url.fill(repoUrl);
    if (options.ref) await this.ref.fill(options.ref);
    if (options.file) await this.file.fill(options.file);
    await this.submit.click();
    await expect(this.link).toBeVisible();
    return (await this.link.getAttribute('href')) ?? '';
  }
}
