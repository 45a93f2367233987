import Router from '@koa/router';
import type { Context } from 'koa';
import { assertCsrf } from '../../auth/csrf.js';
import { organizerOf, requireOrganizer } from '../../auth/organizer-auth.js';
import { LauncherError } from '../../errors/launcher-error.js';
import type { ImportOutcome } from '../../workshops/attendee-admin.js';
import { parseAttendeeCsv } from '../../workshops/attendee-csv.js';
import { parseAttendeePaste } from '../../workshops/attendee-paste.js';
import { checkCandidates, type AttendeeList, type Candidate } from '../../workshops/attendee-rows.js';
import { linksCsv, personalLink, type IssuedInvite } from '../../workshops/personal-links.js';
import { publicBaseUrl } from '../context.js';
import { hasType, readJson, readText } from '../request-body.js';
import { workshopAdmins, type WorkshopAppDeps } from '../workshop-deps.js';
import { attendeeJson } from '../workshop-json.js';
import { validSlug } from './workshops-api.js';

function fromJson(items: unknown): AttendeeList {
  if (!Array.isArray(items)) throw new LauncherError(400, 'bad-attendees', 'Send a JSON array of {"name", "email", "group"} objects.');
  const candidates: Candidate[] = items.map((item: unknown, index) => {
    const line = index + 1;
    const text = JSON.stringify(item)?.slice(0, 300) ?? '';
    const entry = (item ?? {}) as Record<string, unknown>;
    const field = (name: string) => (typeof entry[name] === 'string' ? entry[name] : undefined);
    if (typeof item !== 'object' || item === null) return { line, text, error: 'not an object with name and email' };
    const group = field('group');
    return { line, text, name: field('name') ?? '', email: field('email') ?? '', ...(group !== undefined ? { group } : {}) };
  });
  return checkCandidates(candidates);
}

async function attendeeListFrom(ctx: Context): Promise<AttendeeList> {
  if (hasType(ctx, 'text/csv')) return parseAttendeeCsv(await readText(ctx));
  if (hasType(ctx, 'text/plain')) return parseAttendeePaste(await readText(ctx));
  if (hasType(ctx, 'application/json')) return fromJson(await readJson(ctx));
  throw new LauncherError(415, 'unsupported-list', 'Send the attendees as text/csv (name,email,group), text/plain (one "Name <email>" or "name, email" per line) or a JSON array.');
}

function sendLinksCsv(ctx: Context, publicBase: string, slug: string, invites: IssuedInvite[]): void {
  ctx.type = 'text/csv; charset=utf-8';
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Content-Disposition', `attachment; filename="${slug}-links.csv"`);
  ctx.body = linksCsv(publicBase, invites);
}

function summary(outcome: ImportOutcome) {
  return { imported: outcome.imported, updated: outcome.updated, unchanged: outcome.unchanged, errors: outcome.errors };
}

/** Attendees of a workshop: import, list, remove, re-issue, and the CSV of personal links. Organizers only. */
export function attendeesApi(deps: WorkshopAppDeps): Router {
  const router = new Router({ prefix: '/api/workshops/:slug' });
  const { attendees } = workshopAdmins(deps);
  const organizerOnly = requireOrganizer(deps.workshopStores);

  router.post('/attendees', organizerOnly, async (ctx) => {
    const slug = validSlug(ctx.params.slug);
    const outcome = await attendees.importList(slug, await attendeeListFrom(ctx), organizerOf(ctx));
    if (ctx.query.links === 'csv') {
      for (const [name, value] of Object.entries({ imported: outcome.imported, updated: outcome.updated, unchanged: outcome.unchanged, errors: outcome.errors.length })) {
        ctx.set(`Nblaunch-${name[0]!.toUpperCase()}${name.slice(1)}`, String(value));
      }
      sendLinksCsv(ctx, publicBaseUrl(ctx, deps.config), slug, outcome.issued);
      return;
    }
    ctx.body = summary(outcome);
  });

  router.get('/attendees', organizerOnly, async (ctx) => {
    const slug = validSlug(ctx.params.slug);
    const list = await attendees.listAttendees(slug);
    const servers = await deps.workshopServers.statuses(slug);
    ctx.body = { attendees: list.map((attendee) => ({ ...attendeeJson(attendee), server: servers.get(attendee.id) ?? { status: 'never-started', lastActivity: null } })) };
  });

  // A removed attendee's server stops with their sign-in; their files stay.
  router.delete('/attendees/:id', organizerOnly, async (ctx) => {
    const slug = validSlug(ctx.params.slug);
    const removed = await attendees.removeAttendee(slug, ctx.params.id!, organizerOf(ctx));
    await deps.workshopServers.stop(slug, removed.id, 'attendee-removed', organizerOf(ctx));
    ctx.status = 204;
  });

  router.post('/attendees/:id/reissue', organizerOnly, async (ctx) => {
    const slug = validSlug(ctx.params.slug);
    const issued = await attendees.reissue(slug, ctx.params.id!, organizerOf(ctx));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { attendee: attendeeJson(issued.attendee), link: personalLink(publicBaseUrl(ctx, deps.config), slug, issued.secret) };
  });

  router.get('/links', organizerOnly, async (ctx) => {
    const slug = validSlug(ctx.params.slug);
    if (ctx.query.reissue !== 'true') {
      throw new LauncherError(409, 'reissue-required', 'Personal links cannot be shown again: only a hash of each link\'s secret is kept. Making the CSV issues a new link to every attendee, and their old links (and sign-ins) stop working. Ask again with ?reissue=true to do that; to get the links of a new import without re-issuing, import with ?links=csv.');
    }
    const organizer = organizerOf(ctx);
    // A GET that changes state: a cookie session must prove it came from our own page.
    if (organizer.via === 'session') await assertCsrf(ctx, organizer.csrfToken!, { fromQuery: true });
    sendLinksCsv(ctx, publicBaseUrl(ctx, deps.config), slug, await attendees.reissueAll(slug, organizer));
  });

  return router;
}
