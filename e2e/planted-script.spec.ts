import { createOrganizerToken } from '../src/auth/organizer-tokens.js';
import { expect, test } from './fixtures.js';
import { NotebookPage } from './pages/notebook-page.js';
import { NotebookTreePage } from './pages/notebook-tree-page.js';
import { OrganizerDashboardPage, OrganizerSignInPage } from './pages/organizer-dashboard-page.js';
import { plantedReport, plantedScript, type PlantedAttempt } from './pages/planted-script.js';

const emptyNotebook = JSON.stringify({
  cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: [] }],
  metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
  nbformat: 4, nbformat_minor: 5,
});

/** Each attempt was refused by the browser (no CORS), sent blind (no-cors: nothing to read), or answered with an error. */
function expectNothingGained(attempts: PlantedAttempt[], origins: string[]): void {
  expect(new Set(attempts.map((attempt) => attempt.origin))).toEqual(new Set(origins));
  expect(attempts).toHaveLength(origins.length * 4);
  for (const attempt of attempts) {
    const label = `${attempt.what} on ${attempt.origin}: ${JSON.stringify(attempt)}`;
    expect(attempt.readCsrf ?? false, label).toBe(false);
    expect(attempt.readPage ?? false, label).toBe(false);
    const refused = attempt.blocked !== undefined || attempt.opaque === true || (attempt.status ?? 0) >= 400;
    expect(refused, label).toBe(true);
  }
}

test('a repo\'s custom.js, opened by a signed-in organizer, cannot use their sign-in on the launcher', async ({ page, e2eGit, e2eLauncher }) => {
  // e2eLauncher has the default origins: no publicUrl, no serverOrigin, nothing allowed by name.
  const { url, launcher } = e2eLauncher;
  expect([launcher.deps.config.allowServersOnLauncherOrigin, launcher.deps.config.publicUrl]).toEqual([false, url]);
  expect(url).toMatch(/^http:\/\/localhost:\d+$/);
  const { token } = await createOrganizerToken(launcher.deps.workshopStores.organizerTokens, 'e2e planted-script organizer');
  const tokenIds = async () => {
    const response = await fetch(`${url}/api/organizer-tokens`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { tokens: Array<{ id: string }> }).tokens.map((listed) => listed.id).sort();
  };
  const tokensBefore = await tokenIds();

  await e2eGit.createRepo('hostile/custom-js', {
    '.jupyter/custom/custom.js': plantedScript,
    'attack.py': 'from IPython.display import Javascript, display\ndisplay(Javascript("window.plantedRun = \'notebook-output\';" + open("/home/jovyan/.jupyter/custom/custom.js").read()))\n',
    'notes.ipynb': emptyNotebook,
  });

  // The organizer signs in, then opens the repo's link, as anyone could send them.
  await page.goto(url + OrganizerDashboardPage.path);
  await new OrganizerSignInPage(page).signIn(token);
  await new OrganizerDashboardPage(page).waitUntilReady();
  await page.goto(`${url}/v2/gh/hostile/custom-js/main`);
  const tree = new NotebookTreePage(page);
  await tree.waitUntilReady();
  const serverOrigin = new URL(page.url()).origin;
  expect(serverOrigin).toBe(`http://${tree.serverId()}.localhost:${new URL(url).port}`);
  expectNothingGained(await plantedReport(page), [serverOrigin, url]);

  // The same script as a notebook's output, in the notebook page (where custom.js runs too).
  await page.goto(`${serverOrigin}/s/${tree.serverId()}/notebooks/notes.ipynb`);
  const notebook = new NotebookPage(page);
  await notebook.waitUntilReady();
  expectNothingGained(await plantedReport(page), [serverOrigin, url]);
  await notebook.runInCell(0, 'exec(open("attack.py").read())');
  expectNothingGained(await plantedReport(page, 'notebook-output'), [serverOrigin, url]);

  expect(await tokenIds()).toEqual(tokensBefore);
});
