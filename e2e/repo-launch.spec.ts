import { expect, test } from './fixtures.js';
import { BinderPage } from './pages/binder-page.js';
import { NotebookPage } from './pages/notebook-page.js';
import { ShareForm } from './pages/share-form.js';

const executable = (content: string) => ({ content, mode: 0o755 });
const notebook = (source: string) => JSON.stringify({
  cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: [source] }],
  metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
  nbformat: 4, nbformat_minor: 5,
});

test('a presenter shares a repo link; opening it shows the build log and lands in the notebook', async ({ page, e2eGit }) => {
  await e2eGit.createRepo('presenter/talk', {
    'binder/apt.txt': 'jq\n',
    'binder/postBuild': executable('#!/bin/bash\nset -e\necho -e "\\033[32mpostBuild ran\\033[0m"\necho ok > ~/ready.txt\n'),
    'slides/demo.ipynb': notebook('print(open("/home/jovyan/ready.txt").read().strip() * 2)'),
  });

  await page.goto('/');
  const share = new ShareForm(page);
  const link = await share.makeLink(`${e2eGit.baseUrl}/presenter/talk`, { ref: 'main', file: 'slides/demo.ipynb' });
  expect(link).toMatch(/\/v2\/gh\/presenter\/talk\/main\?labpath=slides%2Fdemo\.ipynb$/);
  await expect(share.markdown).toHaveValue(`[![Launch with nblaunch](${new URL('/badge.svg', page.url())})](${link})`);
  await expect(share.badge).toBeVisible();

  await page.goto(link);
  const binder = new BinderPage(page);
  await expect(binder.title).toContainText('presenter/talk');
  await expect(binder.log).toContainText('Step 1/', { timeout: 120_000 });
  // The log's colours are rendered, not shown as escape codes.
  await expect(binder.log.locator('span', { hasText: 'postBuild ran' })).toHaveCount(1, { timeout: 120_000 });

  const opened = new NotebookPage(page);
  await opened.waitUntilReady();
  await expect(page).toHaveURL(/\/notebooks\/slides\/demo\.ipynb/);
  await opened.page.keyboard.press('Escape');
  await opened.cell(0).locator('.CodeMirror').click();
  await opened.page.keyboard.press('Shift+Enter');
  await expect(opened.output(0)).toContainText('okok');
});

test('a bad repository shows its error on the launch page, and a bad URL on the form', async ({ page, e2eGit }) => {
  await page.goto(`/v2/gh/nobody/missing-repo/main`);
  await new BinderPage(page).expectFailed(/could not be found/);

  await page.goto('/');
  const share = new ShareForm(page);
  await share.url.fill('ssh://git@example.org/some/repo.git');
  await share.submit.click();
  await expect(share.error).toBeVisible();
  await expect(share.error).toContainText(/https/);
  expect(e2eGit.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
});
