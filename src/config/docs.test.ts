import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { settingsAsMarkdown } from './print.js';

describe('configuration docs', () => {
  it('README.md carries the configuration table generated from the schema', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    assert.ok(readme.includes(settingsAsMarkdown()), 'regenerate it with: npx tsx src/config/print.ts markdown');
  });
});
