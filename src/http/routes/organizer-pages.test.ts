import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOrganizerToken } from '../../auth/organizer-tokens.js';
import { readStatic } from '../pages.js';
import { startWorkshopTestApp, type WorkshopTestApp } from '../testing/workshop-test-app.js';

const fieldNames = ['repo-url', 'repo-ref', 'repo-file', 'starts', 'ends', 'memory', 'cpus'];

describe('the organizer dashboard pages', () => {
  let app: WorkshopTestApp;
  let bearer: Record<string, string>;
  const page = async (path: string) => {
    const response = await fetch(`${app.base}${path}`, { headers: { ...bearer, accept: 'text/html' } });
    assert.equal(response.status, 200);
    return response.text();
  };

  before(async () => {
    app = await startWorkshopTestApp();
    bearer = { authorization: `Bearer ${(await createOrganizerToken(app.stores.organizerTokens, 'alice')).token}` };
  });
  after(() => app.close());

  it('share the workshop fields: the create form on the list, the edit form on a workshop\'s page', async () => {
    const list = await page('/organizer');
    const workshop = await page('/organizer/workshops/intro-py');
    for (const name of fieldNames) {
      assert.match(list, new RegExp(`id="create-${name}"`));
      assert.match(workshop, new RegExp(`id="edit-${name}"`));
    }
    assert.match(workshop, /id="edit-title"/);
    assert.match(workshop, /The link \(<code>\/w\/intro-py<\/code>\) cannot change/);
    for (const html of [list, workshop]) {
      assert.ok(!html.includes('{{'), 'every placeholder is filled');
      assert.match(html, /<script src="\/static\/workshop-form.js" defer><\/script><script src="\/static\/organizer-dashboard.js" defer><\/script>/);
    }
  });

  it('can load the form script it names (the static files are a fixed list)', () => {
    assert.match(readStatic('workshop-form.js')?.toString('utf8') ?? '', /window\.nblaunchWorkshopForm = /);
  });
});
