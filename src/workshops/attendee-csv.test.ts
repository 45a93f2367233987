import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAttendeeCsv } from './attendee-csv.js';

describe('parseAttendeeCsv', () => {
  it('reads name,email[,group] without a header, normalising emails to lower case', () => {
    const list = parseAttendeeCsv('Ann Lee,Ann.Lee@Example.org,blue\nBob Ray, bob@example.org \n');
    assert.deepEqual(list, {
      rows: [
        { line: 1, name: 'Ann Lee', email: 'ann.lee@example.org', group: 'blue' },
        { line: 2, name: 'Bob Ray', email: 'bob@example.org' },
      ],
      errors: [],
    });
  });

  it('reads a header row naming the columns in any order, and ignores other columns', () => {
    const list = parseAttendeeCsv('Group,E-mail,Timestamp,Name\nred,ann@example.org,2030-01-01,Ann Lee\n,bob@example.org,x,Bob\n');
    assert.deepEqual(list.rows, [
      { line: 2, name: 'Ann Lee', email: 'ann@example.org', group: 'red' },
      { line: 3, name: 'Bob', email: 'bob@example.org' },
    ]);
    assert.deepEqual(list.errors, []);
  });

  it('skips a byte-order mark, so the header is still recognised', () => {
    const list = parseAttendeeCsv('\uFEFFname,email\nAnn,ann@example.org\n');
    assert.deepEqual(list.rows, [{ line: 2, name: 'Ann', email: 'ann@example.org' }]);
  });

  it('understands quotes: commas, doubled quotes and line breaks inside a field', () => {
    const list = parseAttendeeCsv('name,email\n"Lee, Ann",ann@example.org\n"Bob ""Bobby"" Ray",bob@example.org\n"Cy\nDee",cy@example.org\nDan,dan@example.org\n');
    assert.deepEqual(list.rows.map((row) => [row.line, row.name]), [[2, 'Lee, Ann'], [3, 'Bob "Bobby" Ray'], [4, 'Cy Dee'], [6, 'Dan']]);
  });

  it('skips blank lines (and rows of empty cells) but keeps true line numbers, with CRLF too', () => {
    const list = parseAttendeeCsv('name,email\r\n\r\nAnn,ann@example.org\r\n   \r\n,,\r\nBob,bob@example.org\r\nnot-an-email\r\n');
    assert.deepEqual(list.rows.map((row) => row.line), [3, 6]);
    assert.deepEqual(list.errors, [{ line: 7, text: 'not-an-email', reason: 'no email' }]);
  });

  it('lists a repeated email (in any case) as an error naming the first line, and keeps the first', () => {
    const list = parseAttendeeCsv('Ann,ann@example.org\nBob,bob@example.org\nAnnie,ANN@example.org\n');
    assert.deepEqual(list.rows.map((row) => row.name), ['Ann', 'Bob']);
    assert.deepEqual(list.errors, [{ line: 3, text: 'Annie,ANN@example.org', reason: 'duplicate of line 1' }]);
  });

  it('lists bad emails and missing names with the reason, and imports the rest', () => {
    const list = parseAttendeeCsv('Ann,ann@example.org\nBob,bob(at)example.org\n,cy@example.org\nDan,dan@localhost\nEve,eve@example.org\n');
    assert.deepEqual(list.rows.map((row) => row.name), ['Ann', 'Eve']);
    assert.deepEqual(list.errors.map((error) => [error.line, error.reason]), [
      [2, '"bob(at)example.org" is not an email address'],
      [3, 'no name'],
      [4, '"dan@localhost" is not an email address'],
    ]);
  });

  it('explains rows with too many columns, or the email before the name', () => {
    const list = parseAttendeeCsv('Ann,ann@example.org,blue,extra\nbob@example.org,Bob\n');
    assert.deepEqual(list.rows, []);
    assert.match(list.errors[0]!.reason, /found 4 columns/);
    assert.match(list.errors[1]!.reason, /email seems to come before the name/);
  });

  it('reports a quote never closed at the line it opens, keeping the rows before it', () => {
    const list = parseAttendeeCsv('Ann,ann@example.org\n"Bob,bob@example.org\nCy,cy@example.org\n');
    assert.deepEqual(list.rows.map((row) => row.name), ['Ann']);
    assert.equal(list.errors.length, 1);
    assert.equal(list.errors[0]!.line, 2);
    assert.equal(list.errors[0]!.reason, 'a quote is opened and never closed');
  });

  it('reads semicolon- and tab-separated files as spreadsheets save them', () => {
    assert.deepEqual(parseAttendeeCsv('name;email\nLee, Ann;ann@example.org\n').rows, [{ line: 2, name: 'Lee, Ann', email: 'ann@example.org' }]);
    assert.deepEqual(parseAttendeeCsv('Ann\tann@example.org\tred\n').rows, [{ line: 1, name: 'Ann', email: 'ann@example.org', group: 'red' }]);
  });

  it('refuses a header that names an email column but no name column', () => {
    const list = parseAttendeeCsv('email,group\nann@example.org,red\n');
    assert.deepEqual(list.rows, []);
    assert.deepEqual(list.errors, [{ line: 1, text: 'email,group', reason: 'the header row has an email column but no name column' }]);
  });

  it('gives nothing for an empty file', () => {
    assert.deepEqual(parseAttendeeCsv(''), { rows: [], errors: [] });
    assert.deepEqual(parseAttendeeCsv('\uFEFF\n\n'), { rows: [], errors: [] });
  });
});
