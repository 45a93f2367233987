import type { Locator, Page } from '@playwright/test';

/** /w/<slug>/join?invite=… in a browser already signed in to the workshop as another attendee: "Continue as <name>" first. */
export class WorkshopJoinPage {
  readonly current: Locator;
  readonly name: Locator;
  readonly continueButton: Locator;
  readonly stay: Locator;

  constructor(readonly page: Page) {
    this.current = page.locator('#workshop-join-current');
    this.name = page.locator('#workshop-join-name');
    this.continueButton = page.locator('#workshop-join-continue');
    this.stay = page.locator('#workshop-join-stay');
  }
}
