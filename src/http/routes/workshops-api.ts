import Router from '@koa/router';
import type { Context } from 'koa';
import { organizerOf, requireOrganizer } from '../../auth/organizer-auth.js';
import { LauncherError } from '../../errors/launcher-error.js';
import { logChange } from '../../workshops/workshop-admin.js';
import { slugPattern, type Workshop } from '../../workshops/workshop.js';
import { publicBaseUrl } from '../context.js';
import { readJson } from '../request-body.js';
import { workshopAdmins, type WorkshopAppDeps } from '../workshop-deps.js';
import { workshopJson } from '../workshop-json.js';
import { sendArchive } from './work-archive.js';

export function validSlug(slug: string | undefined): string {
  if (!slug || !slugPattern.test(slug)) throw new LauncherError(404, 'no-such-workshop', 'There is no workshop with this name.');
  return slug;
}

/**
 * `POST|GET /api/workshops`, `GET|PATCH|DELETE /api/workshops/<slug>`, `POST /api/workshops/<slug>/end`,
 * `POST /api/workshops/<slug>/warm`, `GET /api/workshops/<slug>/export`, `DELETE /api/workshops/<slug>/volumes`: organizers only.
 */
export function workshopsApi(deps: WorkshopAppDeps): Router {
  const router = new Router({ prefix: '/api/workshops' });
  const { workshops, attendees } = workshopAdmins(deps);
  const servers = deps.workshopServers;
  const organizerOnly = requireOrganizer(deps.workshopStores);

  const present = async (ctx: Context, workshop: Workshop) => workshopJson(
    workshop, await workshops.status(workshop.slug), await deps.warmer.status(workshop), publicBaseUrl(ctx, deps.config), deps.config.workshops.warmServers,
  );

  router.post('/', organizerOnly, async (ctx) => {
    const created = await workshops.create(await readJson(ctx), organizerOf(ctx));
    ctx.status = 201;
    ctx.set('Location', `/api/workshops/${created.slug}`);
    ctx.body = await present(ctx, created);
  });

  router.get('/', organizerOnly, async (ctx) => {
    const all = await workshops.list();
    ctx.body = { workshops: await Promise.all(all.map((workshop) => present(ctx, workshop))) };
  });

  router.get('/:slug', organizerOnly, async (ctx) => {
    ctx.body = await present(ctx, await workshops.get(validSlug(ctx.params.slug)));
  });

  router.patch('/:slug', organizerOnly, async (ctx) => {
    ctx.body = await present(ctx, await workshops.update(validSlug(ctx.params.slug), await readJson(ctx), organizerOf(ctx)));
  });

  router.delete('/:slug', organizerOnly, async (ctx) => {
    const slug = validSlug(ctx.params.slug);
    await workshops.get(slug);
    const volumes = await servers.volumeCount(slug);
    if (volumes > 0) {
      throw new LauncherError(409, 'volumes-remain', `The workshop "${slug}" still holds the files of ${volumes} attendees. End it, export the work (GET /api/workshops/${slug}/export), delete the volumes (DELETE /api/workshops/${slug}/volumes), then delete the workshop.`);
    }
    await servers.forgetWorkshop(slug);
    await workshops.remove(slug, organizerOf(ctx));
    ctx.status = 204;
  });

  // Ending stops every server at once; the volumes stay for the export.
  router.post('/:slug/end', organizerOnly, async (ctx) => {
    const ended = await workshops.end(validSlug(ctx.params.slug), organizerOf(ctx));
    const serversStopped = await servers.stopWorkshop(ended.slug, 'workshop-ended');
    ctx.body = { ...(await present(ctx, ended)), serversStopped };
  });

  // A new code for the room (the old one stops working), or none: personal links only.
  router.post('/:slug/access-code', organizerOnly, async (ctx) => {
    ctx.body = await present(ctx, await workshops.setAccessCode(validSlug(ctx.params.slug), 'new', organizerOf(ctx)));
  });

  router.delete('/:slug/access-code', organizerOnly, async (ctx) => {
    ctx.body = await present(ctx, await workshops.setAccessCode(validSlug(ctx.params.slug), 'off', organizerOf(ctx)));
  });

  // Builds the image and warms servers now rather than `workshops.warmupMinutes` before the start.
  router.post('/:slug/warm', organizerOnly, async (ctx) => {
    const workshop = await workshops.get(validSlug(ctx.params.slug));
    const warmup = await deps.warmer.warmNow(workshop.slug);
    logChange(deps.logger, organizerOf(ctx), 'workshop-warm-up-requested', workshop.slug);
    ctx.status = 202;
    ctx.body = warmup;
  });

  router.get('/:slug/export', organizerOnly, async (ctx) => {
    const workshop = await workshops.get(validSlug(ctx.params.slug));
    const archive = await servers.exportAll(workshop, await attendees.listAttendees(workshop.slug), organizerOf(ctx));
    sendArchive(ctx, `${workshop.slug}-work.tar.gz`, archive);
  });

  router.delete('/:slug/volumes', organizerOnly, async (ctx) => {
    const workshop = await workshops.get(validSlug(ctx.params.slug));
    ctx.body = { volumesDeleted: await servers.deleteVolumes(workshop, organizerOf(ctx)) };
  });

  return router;
}
