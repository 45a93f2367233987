import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAttendeePaste } from './attendee-paste.js';

describe('parseAttendeePaste', () => {
  it('reads "Name <email>" lines, as mail programs write addresses', () => {
    const list = parseAttendeePaste('Ann Lee <Ann@Example.org>\n"Ray, Bob" <bob@example.org>\nCy Dee<cy@example.org>, green\n');
    assert.deepEqual(list, {
      rows: [
        { line: 1, name: 'Ann Lee', email: 'ann@example.org' },
        { line: 2, name: 'Ray, Bob', email: 'bob@example.org' },
        { line: 3, name: 'Cy Dee', email: 'cy@example.org', group: 'green' },
      ],
      errors: [],
    });
  });

  it('reads "name, email" lines and tab-separated lines copied from a spreadsheet', () => {
    assert.deepEqual(parseAttendeePaste('Ann Lee, ann@example.org\nBob, bob@example.org, red\n').rows, [
      { line: 1, name: 'Ann Lee', email: 'ann@example.org' },
      { line: 2, name: 'Bob', email: 'bob@example.org', group: 'red' },
    ]);
    assert.deepEqual(parseAttendeePaste('Ann Lee\tann@example.org\n').rows, [{ line: 1, name: 'Ann Lee', email: 'ann@example.org' }]);
  });

  it('mixes both forms, skips blank lines and keeps line numbers', () => {
    const list = parseAttendeePaste('\nAnn <ann@example.org>\n\nBob, bob@example.org\n  \nCy <cy@example.org>\n');
    assert.deepEqual(list.rows.map((row) => [row.line, row.name]), [[2, 'Ann'], [4, 'Bob'], [6, 'Cy']]);
    assert.deepEqual(list.errors, []);
  });

  it('finds duplicates across the two forms', () => {
    const list = parseAttendeePaste('Ann <ann@example.org>\nAnnie, ANN@example.org\n');
    assert.deepEqual(list.rows.map((row) => row.line), [1]);
    assert.deepEqual(list.errors, [{ line: 2, text: 'Annie, ANN@example.org', reason: 'duplicate of line 1' }]);
  });

  it('explains lines without a name or with a bad address', () => {
    const list = parseAttendeePaste('ann@example.org\n<bob@example.org>\nCy <cy at example.org>\nDan\n');
    assert.deepEqual(list.rows, []);
    assert.deepEqual(list.errors.map((error) => [error.line, error.reason]), [
      [1, 'no name: write "name, email"'],
      [2, 'no name'],
      [3, '"cy at example.org" is not an email address'],
      [4, 'expected a name and an email'],
    ]);
  });

  it('accepts a header line, a BOM and CRLF', () => {
    const list = parseAttendeePaste('\uFEFFemail,name\r\nann@example.org,Ann\r\n');
    assert.deepEqual(list.rows, [{ line: 2, name: 'Ann', email: 'ann@example.org' }]);
  });
});
