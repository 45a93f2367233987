import type { Locator, Page } from '@playwright/test';

/** The progress page at /launch that asks the API for a server and then opens it. */
export class LaunchPage {
  readonly title: Locator;
  readonly steps: Locator;
  readonly message: Locator;

  constructor(readonly page: Page) {
    this.title = page.locator('#launch-title');
    this.steps = page.locator('#launch-steps');
    this.message = page.locator('#launch-message');
  }
}
