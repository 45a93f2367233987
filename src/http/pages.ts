import { readFileSync } from 'node:fs';

const webDir = new URL('../../web/', import.meta.url);
const cache = new Map<string, string>();

function template(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`${name}.html`, webDir), 'utf8');
    cache.set(name, text);
  }
  return text;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * `{{name}}` is escaped, `{{{name}}}` is inserted as is; a missing value is empty. One pass, so
 * braces inside an inserted value (e.g. a requested path) are never filled in again.
 */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{\{(\w+)\}\}\}|\{\{(\w+)\}\}/g, (_, raw: string | undefined, escaped: string | undefined) => (
    raw !== undefined ? String(values[raw] ?? '') : escapeHtml(String(values[escaped!] ?? ''))
  ));
}

/** A piece of a page (a template shared by pages), filled: insert it into a page as `{{{name}}}`. */
export function renderPart(name: string, values: Record<string, string | number> = {}): string {
  return fill(template(name), values);
}

export function renderPage(name: string, title: string, values: Record<string, string | number> = {}, head = ''): string {
  return fill(template('layout'), { title, body: renderPart(name, values), head });
}

export interface MessagePage {
  title: string;
  heading: string;
  message: string;
  actionHref?: string;
  actionLabel?: string;
  /** Reload the page (or go to refreshTo) after this many seconds. */
  refreshSeconds?: number;
  refreshTo?: string;
  extraHtml?: string;
}

export function renderMessage(page: MessagePage): string {
  const head = page.refreshSeconds ? `<meta http-equiv="refresh" content="${page.refreshSeconds}${page.refreshTo ? `;url=${escapeHtml(page.refreshTo)}` : ''}">` : '';
  return renderPage('message', page.title, {
    heading: page.heading,
    message: page.message,
    actionHref: page.actionHref ?? '/',
    actionLabel: page.actionLabel ?? 'Go to the home page',
    extra: page.extraHtml ?? '',
  }, head);
}

const javascript = 'text/javascript; charset=utf-8';

/** Every file served under /static/: nothing else on disk is reachable. */
export const staticFiles: Record<string, { file: URL; type: string }> = {
  'style.css': { file: new URL('static/style.css', webDir), type: 'text/css; charset=utf-8' },
  'launch.js': { file: new URL('static/launch.js', webDir), type: javascript },
  'binder.js': { file: new URL('static/binder.js', webDir), type: javascript },
  'share.js': { file: new URL('static/share.js', webDir), type: javascript },
  'organizer-dashboard.js': { file: new URL('static/organizer-dashboard.js', webDir), type: javascript },
  'workshop-form.js': { file: new URL('static/workshop-form.js', webDir), type: javascript },
  'vendor/ansi_up.js': { file: new URL('../node_modules/ansi_up/ansi_up.js', webDir), type: javascript },
};

export function readStatic(name: string): Buffer | null {
  const entry = staticFiles[name];
  return entry ? readFileSync(entry.file) : null;
}
