import Router from '@koa/router';
import type { Context } from 'koa';
import { organizerOf, requireOrganizer } from '../../auth/organizer-auth.js';
import { LauncherError } from '../../errors/launcher-error.js';
import { slugPattern, type Workshop } from '../../workshops/workshop.js';
import { publicBaseUrl } from '../context.js';
import { readJson } from '../request-body.js';
import { workshopAdmins, type WorkshopAppDeps } from '../workshop-deps.js';
import { workshopJson } from '../workshop-json.js';

export function validSlug(slug: string | undefined): string {
  if (!slug || !slugPattern.test(slug)) throw new LauncherError(404, 'no-such-workshop', 'There is no workshop with this name.');
  return slug;
}

/** `POST|GET /api/workshops`, `GET|PATCH|DELETE /api/workshops/<slug>`, `POST /api/workshops/<slug>/end`: organizers only. */
export function workshopsApi(deps: WorkshopAppDeps): Router {
  const router = new Router({ prefix: '/api/workshops' });
  const { workshops } = workshopAdmins(deps);
  const organizerOnly = requireOrganizer(deps.workshopStores);

  const present = async (ctx: Context, workshop: Workshop) => workshopJson(workshop, await workshops.status(workshop.slug), publicBaseUrl(ctx, deps.config));

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
    await workshops.remove(validSlug(ctx.params.slug), organizerOf(ctx));
    ctx.status = 204;
  });

  router.post('/:slug/end', organizerOnly, async (ctx) => {
    ctx.body = await present(ctx, await workshops.end(validSlug(ctx.params.slug), organizerOf(ctx)));
  });

  return router;
}
