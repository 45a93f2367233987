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

export function renderPage(name: string, title: string, values: Record<string, string | number> = {}, head = ''): string {
  const body = fill(template(name), values);
  return fill(template('layout'), { title, body, head });
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

export const staticFiles: Record<string, { file: string; type: string }> = {
  'style.css': { file: 'static/style.css', type: 'text/css; charset=utf-8' },
  'launch.js': { file: 'static/launch.js', type: 'text/javascript; charset=utf-8' },
};

export function readStatic(name: string): Buffer | null {
  const entry = staticFiles[name];
  return entry ? readFileSync(new URL(entry.file, webDir)) : null;
}
