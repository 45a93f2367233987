import type { Locator, Page } from '@playwright/test';

/** /w/<slug> for a signed-in attendee: their name, their server's state, "Open my server". */
export class AttendeeWorkshopPage {
  readonly title: Locator;
  readonly signedInAs: Locator;
  readonly openServer: Locator;

  constructor(readonly page: Page) {
    this.title = page.locator('#workshop-title');
    this.signedInAs = page.locator('#workshop-signed-in');
    this.openServer = page.locator('#workshop-open');
  }
}
