import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, fill, readStatic, renderMessage, renderPage } from './pages.js';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in HTML', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;');
    assert.equal(escapeHtml('plain text 123'), 'plain text 123');
  });
});

describe('fill', () => {
  it('escapes {{name}} and inserts {{{name}}} as is', () => {
    const values = { text: '<b>bold</b>', html: '<b>bold</b>' };
    assert.equal(fill('{{text}} | {{{html}}}', values), '&#60;b&#62;bold&#60;/b&#62; | <b>bold</b>');
  });

  it('fills numbers, every occurrence, and a missing value with nothing', () => {
    assert.equal(fill('{{n}}/{{n}} [{{missing}}] [{{{missing}}}]', { n: 3 }), '3/3 [] []');
  });

  it('does not fill placeholders that arrive inside a value', () => {
    const values = { path: '/{{secret}}/{{{raw}}}', secret: 'S', raw: '<script>' };
    assert.equal(fill('{{path}}', values), '/{{secret}}/{{{raw}}}');
    assert.equal(fill('{{{path}}}', values), '/{{secret}}/{{{raw}}}');
  });
});

describe('renderPage', () => {
  it('puts the filled page into the layout under an escaped title', () => {
    const html = renderPage('home', 'A <title>', { idleMinutes: 10, maxAgeHours: 6, running: 3, capacity: 20 });
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<title>A &#60;title&#62; · nblaunch<\/title>/);
    assert.ok(!html.includes('{{'), 'every placeholder is filled');
  });
});

describe('renderMessage', () => {
  it('escapes the heading and the message', () => {
    const html = renderMessage({ title: 'Oops', heading: '<h1>x</h1>', message: 'There is nothing at /<script>alert(1)</script>' });
    assert.ok(!html.includes('<script>'));
    assert.match(html, /id="message-text" class="message">There is nothing at \/&#60;script&#62;alert\(1\)&#60;\/script&#62;</);
    assert.match(html, /id="message-title">&#60;h1&#62;x&#60;\/h1&#62;</);
  });

  it('does not fill placeholders written in a message (e.g. a requested path)', () => {
    const html = renderMessage({ title: 'Secret title', heading: 'Nothing here', message: 'There is nothing at /{{title}}/{{{head}}}' });
    assert.match(html, /There is nothing at \/\{\{title\}\}\/\{\{\{head\}\}\}</);
  });

  it('links to the home page unless given an action', () => {
    const plain = renderMessage({ title: 't', heading: 'h', message: 'm' });
    assert.match(plain, /<a href="\/" class="button primary" id="message-action">Go to the home page<\/a>/);
    const custom = renderMessage({ title: 't', heading: 'h', message: 'm', actionHref: '/launch?a=1&b=2', actionLabel: 'Try again' });
    assert.match(custom, /<a href="\/launch\?a=1&#38;b=2" class="button primary" id="message-action">Try again<\/a>/);
  });

  it('refreshes only when asked, to the given address', () => {
    assert.ok(!renderMessage({ title: 't', heading: 'h', message: 'm' }).includes('http-equiv="refresh"'));
    assert.ok(renderMessage({ title: 't', heading: 'h', message: 'm', refreshSeconds: 5 }).includes('<meta http-equiv="refresh" content="5">'));
    const html = renderMessage({ title: 't', heading: 'h', message: 'm', refreshSeconds: 10, refreshTo: '/launch"><x' });
    assert.ok(html.includes('<meta http-equiv="refresh" content="10;url=/launch&#34;&#62;&#60;x">'));
  });

  it('inserts extra HTML as is', () => {
    const html = renderMessage({ title: 't', heading: 'h', message: 'm', extraHtml: '<p class="extra">more</p>' });
    assert.ok(html.includes('<p class="extra">more</p>'));
  });
});

describe('readStatic', () => {
  it('serves only the listed files', () => {
    assert.ok(readStatic('style.css')?.length);
    assert.equal(readStatic('../layout.html'), null);
    assert.equal(readStatic('nothing.js'), null);
  });
});

describe('the organizer dashboard script', () => {
  it('serves the organizer dashboard\'s script, and nothing outside the allow-list', () => {
    assert.match(readStatic('organizer-dashboard.js')?.toString('utf8') ?? '', /X-CSRF-Token|x-csrf-token/);
    assert.equal(readStatic('../package.json'), null);
  });
});
