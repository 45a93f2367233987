import { expect, type Locator, type Page } from '@playwright/test';

/** The launcher's home page: the Launch button and the "N of M servers in use" line. */
export class HomePage {
  readonly launchButton: Locator;
  readonly serversInUse: Locator;

  constructor(readonly page: Page) {
    this.launchButton = page.locator('#launch-button');
    this.serversInUse = page.locator('p', { hasText: /servers in use/ });
  }

  async goto(): Promise<void> {
    await this.page.goto('/');
    await expect(this.launchButton).toBeVisible();
  }

  /** The numbers of the "N of M servers in use." line. */
  async usage(): Promise<{ running: number; capacity: number }> {
    const text = (await this.serversInUse.textContent()) ?? '';
    const match = /(\d+)\s+of\s+(\d+)\s+servers in use/.exec(text);
    if (!match) throw new Error(`Unexpected "servers in use" line: ${JSON.stringify(text)}`);
    return { running: Number(match[1]), capacity: Number(match[2]) };
  }

  async launch(): Promise<void> {
    await this.launchButton.click();
  }
}
