import Router from '@koa/router';
import { z } from 'zod';
import { LauncherError } from '../../errors/launcher-error.js';
import { organizerOf, requireOrganizer } from '../../auth/organizer-auth.js';
import { createOrganizerToken, listOrganizerTokens, revokeOrganizerToken } from '../../auth/organizer-tokens.js';
import { readJson } from '../request-body.js';
import type { WorkshopAppDeps } from '../workshop-deps.js';

const newTokenInput = z.strictObject({ label: z.string() });

/** `GET /api/organizer/me` (with the CSRF token for pages), and organizer tokens: list, create, revoke. */
export function organizerApi(deps: WorkshopAppDeps): Router {
  const router = new Router({ prefix: '/api' });
  const stores = deps.workshopStores;
  const organizerOnly = requireOrganizer(stores);

  router.get('/organizer/me', organizerOnly, (ctx) => {
    const organizer = organizerOf(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { label: organizer.label, tokenId: organizer.tokenId, via: organizer.via, csrfToken: organizer.csrfToken ?? null };
  });

  router.get('/organizer-tokens', organizerOnly, async (ctx) => {
    ctx.body = { tokens: await listOrganizerTokens(stores.organizerTokens) };
  });

  router.post('/organizer-tokens', organizerOnly, async (ctx) => {
    const input = newTokenInput.safeParse(await readJson(ctx));
    if (!input.success) throw new LauncherError(400, 'bad-label', 'Send {"label": "<who or what uses the token>"}.');
    const created = await createOrganizerToken(stores.organizerTokens, input.data.label);
    const organizer = organizerOf(ctx);
    deps.logger.info({ event: 'organizer-token-created', actor: organizer.label, via: organizer.via, newTokenId: created.id, newLabel: created.label }, 'organizer token created');
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = created;
  });

  router.delete('/organizer-tokens/:id', organizerOnly, async (ctx) => {
    const revoked = await revokeOrganizerToken(stores.organizerTokens, ctx.params.id!);
    const organizer = organizerOf(ctx);
    deps.logger.info({ event: 'organizer-token-revoked', actor: organizer.label, via: organizer.via, revokedTokenId: revoked.id }, 'organizer token revoked');
    ctx.status = 204;
  });

  return router;
}
