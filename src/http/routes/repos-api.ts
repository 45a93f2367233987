import { readFileSync } from 'node:fs';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { LauncherError } from '../../errors/launcher-error.js';
import { parseSpec, specFromUrl } from '../../repos/repo-spec.js';
import { assertSpecAllowed } from '../../repos/spec-policy.js';
import { checkBuildRate } from '../build-rate.js';
import { clientIp, publicBaseUrl, type AppDeps } from '../context.js';
import { DryRunGate } from '../dry-run-gate.js';
import { escapeHtml } from '../pages.js';

const badge = readFileSync(new URL('../../../web/badge.svg', import.meta.url));
const buildPlanPath = /^\/api\/build-plan\/([^/]+)\/(.+)$/;

function queryText(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? text : undefined;
}

/** The share form's link and badge snippets, the badge itself, and the dry run of a build. */
export function reposApi(deps: AppDeps): Router {
  const router = new Router();

  router.get('/api/repo-link', (ctx) => {
    const url = queryText(ctx, 'url');
    if (!url) throw new LauncherError(400, 'bad-request', 'Give the repository\'s URL, e.g. https://github.com/owner/repo.');
    const repo = specFromUrl(url, queryText(ctx, 'ref'), deps.config);
    assertSpecAllowed(repo.provider, repo.spec, deps.config.policy);
    const file = queryText(ctx, 'file');
    const base = publicBaseUrl(ctx, deps.config);
    const link = `${base}/v2/${repo.provider}/${repo.spec}${file ? `?labpath=${encodeURIComponent(file)}` : ''}`;
    const badgeUrl = `${base}/badge.svg`;
    ctx.body = {
      link,
      spec: `${repo.provider}/${repo.spec}`,
      markdown: `[![Launch with nblaunch](${badgeUrl})](${link})`,
      html: `<a href="${escapeHtml(link)}"><img src="${escapeHtml(badgeUrl)}" alt="Launch with nblaunch"></a>`,
    };
  });

  router.get('/badge.svg', (ctx) => {
    ctx.type = 'image/svg+xml';
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = badge;
  });

  return router;
}

/** `GET /api/build-plan/<provider>/<spec>`: what a build would do, without building. */
export function buildPlanApi(deps: AppDeps) {
  const gate = new DryRunGate(deps.config.build.maxConcurrent);
  return async (ctx: Context, next: Next): Promise<void> => {
    const match = ctx.method === 'GET' ? buildPlanPath.exec(ctx.path) : null;
    if (!match) return next();
    const repo = parseSpec(match[1]!, match[2]!, deps.config);
    assertSpecAllowed(repo.provider, repo.spec, deps.config.policy);
    // A dry run clones as a build does: the same per-address limit, and a bounded number at once.
    await checkBuildRate(deps, clientIp(ctx));
    const plan = await gate.run(() => deps.builder.dryRun(repo));
    ctx.body = {
      repo: repo.displayName,
      ref: repo.ref,
      sha: plan.sha,
      imageName: plan.imageName,
      buildpacks: plan.plan.buildpacks,
      notes: plan.plan.notes,
      dockerfile: plan.dockerfile,
    };
  };
}
