import { e2eCull, expect, test } from './fixtures.js';
import { HomePage } from './pages/home-page.js';
import { LaunchPage } from './pages/launch-page.js';
import { MessagePage } from './pages/message-page.js';
import { NotebookTreePage } from './pages/notebook-tree-page.js';

test('launch a server, run a notebook, and find the ended page once it idles out', async ({ page, context, e2eLauncher }) => {
  const home = new HomePage(page);
  await home.goto();
  await expect(home.serversInUse).toHaveText(/^0 of \d+ servers in use\.$/);

  // Launch: the button leads to the progress page, which asks for a server and opens its tree.
  await home.launch();
  await expect(page).toHaveURL(/\/launch$/);
  await expect(new LaunchPage(page).steps).toBeVisible();

  const tree = new NotebookTreePage(page);
  await tree.waitUntilReady();
  const id = tree.serverId();
  const oldLink = page.url();

  const notebook = await tree.newPythonNotebook();
  await notebook.runInCell(0, 'print(6*7)');
  await expect(notebook.output(0)).toContainText('42');
  await expect(notebook.kernelIdle).toBeAttached();

  // While the notebook is open (and so active) the home page counts the server.
  const watcher = await context.newPage();
  const homeAgain = new HomePage(watcher);
  await homeAgain.goto();
  await expect(homeAgain.serversInUse).toHaveText(/^1 of \d+ servers in use\.$/);

  // An open tree or notebook keeps polling its server, which counts as activity: close both.
  await notebook.page.close();
  await page.close();

  // Wait out the idle limit on the home page, not on the old link: visiting the link would
  // be activity of its own.
  await expect.poll(async () => {
    await homeAgain.goto();
    return (await homeAgain.usage()).running;
  }, {
    message: `server ${id} should be removed once idle for ${e2eCull.idleTimeoutSeconds} s`,
    intervals: [1000],
    timeout: 60_000,
  }).toBe(0);
  // The record goes before the container does, so the container may take a moment longer.
  await expect.poll(() => e2eLauncher.launcher.deps.spawner.poll(id), { timeout: 30_000 }).toBe('missing');

  // The old link now explains what happened and offers a new server.
  const ended = await watcher.goto(oldLink);
  expect(ended?.status()).toBe(410);
  const message = new MessagePage(watcher);
  await expect(message.title).toHaveText('This server has ended');
  await expect(message.text).toContainText('no activity for longer than the idle limit');
  await expect(message.action).toHaveText('Launch a new server');
  // The old link is on the server's own origin, so the way back names the launcher's.
  await expect(message.action).toHaveAttribute('href', `${e2eLauncher.url}/launch`);
});
