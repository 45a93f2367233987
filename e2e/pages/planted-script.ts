import { expect, type Page } from '@playwright/test';

/**
 * A hostile script for a notebook server's pages, as a repo or an attendee could plant it: in
 * `~/.jupyter/custom/custom.js` (Jupyter Notebook 6 loads `<base>/custom/custom.js` on every page)
 * or as a notebook's JavaScript output. It tries to act as whoever opened the page on the
 * launcher: read `/api/organizer/me` (the CSRF token), read the organizer pages, mint an
 * organizer token (with the token, and as a request that needs no CORS at all), both on the
 * page's own origin and on the launcher's (the host without its first label, unless it is an address). It reports what
 * happened in an attribute of the page, so a test sees that it ran and what it got.
 */
export const plantedScript = String.raw`
(function () {
  var name = 'data-planted-' + (window.plantedRun || 'custom-js');
  document.documentElement.setAttribute(name, 'running');
  var launcherHost = /^\d+(\.\d+){3}(:|$)/.test(location.host) ? location.host : location.host.replace(/^[^.:]+\./, '');
  var origins = [location.origin, location.protocol + '//' + launcherHost]
    .filter(function (origin, index, all) { return all.indexOf(origin) === index; });
  var attempts = [];
  var record = async function (origin, what, run) {
    try {
      attempts.push(Object.assign({ origin: origin, what: what }, await run()));
    } catch (error) {
      attempts.push({ origin: origin, what: what, blocked: String(error && error.name) });
    }
  };
  (async function () {
    for (var i = 0; i < origins.length; i += 1) {
      var origin = origins[i];
      var csrf = '';
      await record(origin, 'read /api/organizer/me', async function () {
        var response = await fetch(origin + '/api/organizer/me', { credentials: 'include' });
        var text = await response.text();
        try { csrf = JSON.parse(text).csrfToken || ''; } catch (error) { csrf = ''; }
        return { status: response.status, readCsrf: csrf !== '' };
      });
      await record(origin, 'read /organizer', async function () {
        var response = await fetch(origin + '/organizer', { credentials: 'include', redirect: 'manual' });
        var text = await response.text();
        return { status: response.status, readPage: /Warm pools|csrf/i.test(text) };
      });
      await record(origin, 'mint with the CSRF token', async function () {
        var response = await fetch(origin + '/api/organizer-tokens', {
          method: 'POST', credentials: 'include',
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
          body: JSON.stringify({ label: 'planted by a notebook server' }),
        });
        return { status: response.status };
      });
      await record(origin, 'mint without CORS', async function () {
        var response = await fetch(origin + '/api/organizer-tokens', {
          method: 'POST', mode: 'no-cors', credentials: 'include',
          headers: { 'content-type': 'text/plain' },
          body: JSON.stringify({ label: 'planted by a notebook server (no-cors)' }),
        });
        return { status: response.status, opaque: response.type === 'opaque' };
      });
    }
    document.documentElement.setAttribute(name, JSON.stringify(attempts));
  })();
})();
`;

export interface PlantedAttempt {
  origin: string;
  what: string;
  status?: number;
  blocked?: string;
  readCsrf?: boolean;
  readPage?: boolean;
  opaque?: boolean;
}

/** What the planted script reported on this page (`run` names which copy: `custom-js` or another). Fails if it never ran. */
export async function plantedReport(page: Page, run = 'custom-js'): Promise<PlantedAttempt[]> {
  const root = page.locator('html');
  const attribute = `data-planted-${run}`;
  await expect(root, `the planted script (${run}) ran and finished`).toHaveAttribute(attribute, /^\[/, { timeout: 30_000 });
  return JSON.parse((await root.getAttribute(attribute))!) as PlantedAttempt[];
}
