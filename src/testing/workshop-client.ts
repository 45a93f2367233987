import { parse } from 'csv-parse/sync';
import WebSocket from 'ws';
import { cookieFrom, postSignInForm } from '../http/testing/workshop-test-app.js';

/** An organizer of a running launcher, by bearer token. */
export class OrganizerClient {
  constructor(private readonly base: () => string, private readonly token: string) {}

  api(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.base()}${path}`, { ...init, headers: { authorization: `Bearer ${this.token}`, ...init.headers as Record<string, string> } });
  }

  async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.api(path, init);
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${await response.text()}`);
    return response.json() as Promise<T>;
  }

  /** Creates the workshop (default image, open now until 2099) with these attendees; resolves to their personal links by email. */
  async workshopWith(slug: string, people: Array<{ name: string; email: string }>, extra: Record<string, unknown> = {}): Promise<Map<string, string>> {
    await this.json('/api/workshops', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ slug, title: `Workshop ${slug}`, startsAt: '2020-01-01T09:00:00Z', endsAt: '2099-01-01T17:00:00Z', limits: { memoryMb: 512 }, ...extra }),
    });
    const csv = await (await this.api(`/api/workshops/${slug}/attendees?links=csv`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(people) })).text();
    return new Map((parse(csv, { columns: true }) as Array<{ email: string; link: string }>).map((row) => [row.email, row.link]));
  }

  async attendeeId(slug: string, email: string): Promise<string> {
    const { attendees } = await this.json<{ attendees: Array<{ id: string; email: string }> }>(`/api/workshops/${slug}/attendees`);
    return attendees.find((attendee) => attendee.email === email)!.id;
  }
}

/** An attendee's browser: their workshop cookie and the page's CSRF token. */
export class AttendeeClient {
  private csrf = '';

  private constructor(private readonly base: () => string, readonly slug: string, readonly cookie: string) {}

  /** Signs in with a personal link (which carries the launcher's address at the time it was issued). */
  static async signIn(base: () => string, slug: string, link: string): Promise<AttendeeClient> {
    const joined = await fetch(`${base()}${new URL(link).pathname}${new URL(link).search}`, { redirect: 'manual' });
    const cookie = cookieFrom(joined, `nblaunch_w_${slug}`);
    if (joined.status !== 303 || !cookie) throw new Error(`signing in answered ${joined.status}`);
    return new AttendeeClient(base, slug, cookie);
  }

  /** Signs in with the room's code and an email, as the sign-in form does; the refusal's status and page when it is refused. */
  static async signInWithCode(base: () => string, slug: string, code: string, email: string, headers: Record<string, string> = {}): Promise<AttendeeClient | { status: number; page: string }> {
    const answer = await postSignInForm(base(), `/w/${slug}/sign-in`, { code, email }, headers);
    const cookie = cookieFrom(answer, `nblaunch_w_${slug}`);
    return answer.status === 303 && cookie ? new AttendeeClient(base, slug, cookie) : { status: answer.status, page: await answer.text() };
  }

  /** Clicks "Open my server": resolves to the server's path and Jupyter token, whether it had to start, and the page it opens at. */
  async openServer(): Promise<{ id: string; path: string; token: string; started: boolean; open: string }> {
    if (!this.csrf) {
      const page = await (await fetch(`${this.base()}/w/${this.slug}`, { headers: { cookie: this.cookie, accept: 'text/html' } })).text();
      this.csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    }
    const response = await fetch(`${this.base()}/w/${this.slug}/open`, { method: 'POST', headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, accept: 'application/json' } });
    const body = await response.json() as { id: string; token: string; started: boolean; open: string; message?: string };
    if (response.status !== 200) throw new Error(`opening the server answered ${response.status}: ${body.message}`);
    return { id: body.id, path: `/s/${body.id}/`, token: body.token, started: body.started, open: body.open };
  }

  /** A request to a server path with this attendee's cookie (and the server's token, when given). */
  fetch(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
    const headers = { cookie: this.cookie, ...(init.token ? { authorization: `token ${init.token}` } : {}), ...init.headers as Record<string, string> };
    return fetch(`${this.base()}${path}`, { ...init, headers, redirect: 'manual' });
  }

  /** Writes a text file through Jupyter's contents API. */
  async writeFile(server: { path: string; token: string }, name: string, content: string): Promise<number> {
    const response = await this.fetch(`${server.path}api/contents/${name}`, {
      method: 'PUT', token: server.token, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'file', format: 'text', content }),
    });
    return response.status;
  }

  /** The text of a file through Jupyter's contents API, or null when the server answers anything but 200. */
  async readFile(server: { path: string; token: string }, name: string): Promise<string | null> {
    const response = await this.fetch(`${server.path}api/contents/${name}?type=file&format=text`, { token: server.token });
    return response.status === 200 ? (await response.json() as { content: string }).content : null;
  }
}

/** The status a WebSocket upgrade gets: 101 when it opens, else the HTTP status that refused it. */
export function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), { headers });
    socket.on('open', () => { socket.close(); resolve(101); });
    socket.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); res.resume(); socket.terminate(); });
    socket.on('error', (error) => reject(error));
  });
}
