import { defineConfig } from '@playwright/test';

/**
 * Browser tests of the whole flow, against a real launcher and real Docker containers.
 * The launcher itself is started by the worker-scoped fixture in e2e/fixtures.ts, which also
 * sets baseURL. Playwright's own browser download does not work on this host, so Debian's
 * Chromium is used (see /work/shared/ENVIRONMENT.md, "Browser tests").
 */
export default defineConfig({
  testDir: 'e2e',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // Docker adds a network interface for every container it starts, and Chromium may then
  // cancel requests in flight with net::ERR_NETWORK_CHANGED (seen on Jupyter's require.js).
  // That is the browser reacting to the host, not the launcher failing: retry once in CI.
  retries: process.env.CI ? 1 : 0,
  reporter: 'list',
  // Launch + notebook + waiting out the idle limit takes well under a minute; leave room.
  timeout: 180_000,
  expect: { timeout: 30_000 },
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    actionTimeout: 15_000,
    navigationTimeout: 60_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
