import type { Locator, Page } from '@playwright/test';

/** The launcher's one-message page (ended servers, missing servers, errors). */
export class MessagePage {
  readonly title: Locator;
  readonly text: Locator;
  readonly action: Locator;

  constructor(readonly page: Page) {
    this.title = page.locator('#message-title');
    this.text = page.locator('#message-text');
    this.action = page.locator('#message-action');
  }
}
