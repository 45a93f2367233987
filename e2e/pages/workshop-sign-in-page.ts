import type { Locator, Page } from '@playwright/test';

/** /w/<slug>/sign-in: for attendees of a workshop with registered attendees who have no personal link at hand. */
export class WorkshopSignInPage {
  readonly code: Locator;
  readonly email: Locator;
  readonly submit: Locator;
  readonly notice: Locator;

  constructor(readonly page: Page) {
    this.code = page.locator('#workshop-sign-in-form input[name="code"]');
    this.email = page.locator('#workshop-sign-in-form input[name="email"]');
    this.submit = page.locator('#workshop-sign-in-form button[type="submit"]');
    this.notice = page.locator('#workshop-notice');
  }

  async signIn(code: string, email: string): Promise<void> {
    await this.code.fill(code);
    await this.email.fill(email);
    await this.submit.click();
  }
}
