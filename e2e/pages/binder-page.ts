import { expect, type Locator, type Page } from '@playwright/test';

/** The `/v2/<provider>/<spec>` launch page: phases, progress bar and build log. */
export class BinderPage {
  readonly root: Locator;
  readonly title: Locator;
  readonly phase: Locator;
  readonly log: Locator;
  readonly progressBar: Locator;
  readonly home: Locator;

  constructor(readonly page: Page) {
    this.root = page.locator('#binder');
    this.title = page.locator('#binder-title');
    this.phase = page.locator('#binder-phase');
    this.log = page.locator('#binder-log');
    this.progressBar = page.locator('#binder-progress-bar');
    this.home = page.locator('#binder-home');
  }

  async expectFailed(message: RegExp): Promise<void> {
    await expect(this.root).toHaveAttribute('data-phase', 'failed');
    await expect(this.title).toHaveText('The launch failed');
    await expect(this.phase).toHaveText(message);
    await expect(this.home).toBeVisible();
  }
}
