import { freePort } from '../src/testing/launcher-harness.js';
import { startE2ELauncher, test as base, expect, type E2ELauncher } from './fixtures.js';
import { NotebookTreePage } from './pages/notebook-tree-page.js';

/**
 * The launcher with an origin per server: its pages on http://localhost:<port>, each notebook
 * server on http://<id>.servers.localhost:<port> (Chromium sends every *.localhost name to
 * loopback). One port, told apart by the Host header.
 */
const test = base.extend<{}, { perServerLauncher: E2ELauncher }>({
  perServerLauncher: [async ({ e2eGit }, use) => {
    const port = await freePort();
    const started = await startE2ELauncher(e2eGit, { port, publicUrl: `http://localhost:${port}`, serverOrigin: `http://*.servers.localhost:${port}` });
    try {
      await use({ ...started, url: `http://localhost:${port}` });
    } finally {
      await started.stop();
    }
  }, { scope: 'worker', timeout: 60_000 }],
});

interface Launched { id: string; url: string; token: string }

test('each server has its own origin: a page of one cannot read another the same browser has open', async ({ page, perServerLauncher }) => {
  const launch = async (): Promise<Launched> => {
    const response = await fetch(`${perServerLauncher.url}/api/sessions`, { method: 'POST' });
    expect(response.status).toBe(201);
    return await response.json() as Launched;
  };
  const [first, second] = await Promise.all([launch(), launch()]);
  expect(new URL(first.url).host).toBe(`${first.id}.servers.localhost:${new URL(perServerLauncher.url).port}`);

  // The same browser opens both servers: each sets Jupyter's sign-in cookie on its own host.
  await page.goto(`${second.url}tree?token=${second.token}`);
  await new NotebookTreePage(page).waitUntilReady();
  await page.goto(`${first.url}tree?token=${first.token}`);
  const tree = new NotebookTreePage(page);
  await tree.waitUntilReady();
  expect(new URL(page.url()).origin).toBe(new URL(first.url).origin);

  // Jupyter works on its own origin, WebSockets included: a kernel runs code.
  const notebook = await tree.newPythonNotebook();
  await notebook.runInCell(0, 'print(6 * 7)');
  await expect(notebook.output(0)).toContainText('42');
  await notebook.page.close();

  // A script in the first server reads its own files, but not the second server's, neither at
  // its address nor at its path on the first server's host (which leads to its own host).
  const reads = await page.evaluate(async ([own, other, otherHere]) => Promise.all([own, other, otherHere].map(async (url) => {
    try {
      const response = await fetch(url!, { credentials: 'include' });
      return `${response.status}`;
    } catch {
      return 'blocked';
    }
  })), [`/s/${first.id}/api/contents`, `${second.url}api/contents`, `/s/${second.id}/api/contents`]);
  expect(reads).toEqual(['200', 'blocked', 'blocked']);
});
