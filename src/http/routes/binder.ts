import type { Context, Next } from 'koa';
import { LauncherError } from '../../errors/launcher-error.js';
import { safePath } from '../../log/logger.js';
import { parseSpec, specWithRef, type RepoSpec } from '../../repos/repo-spec.js';
import { assertSpecAllowed } from '../../repos/spec-policy.js';
import type { BuildEvent } from '../../build/build-events.js';
import { checkBuildRate } from '../build-rate.js';
import { clientIp, publicBaseUrl, type AppDeps } from '../context.js';
import { openEventStream, type EventStream } from '../event-stream.js';
import { renderPage } from '../pages.js';
import { serverUrl } from '../server-urls.js';

const buildPath = /^\/build\/([^/]+)\/(.+)$/;
const launchPath = /^\/v2\/([^/]+)\/(.+)$/;

export function refUrl(repo: RepoSpec, sha: string): string {
  const web = repo.repoUrl.replace(/\.git$/, '');
  switch (repo.provider) {
    case 'gh': return `${web}/tree/${sha}`;
    case 'gl': return `${web}/-/tree/${sha}`;
    case 'gist': return `${web}/${sha}`;
    case 'git': return web;
    default: return web;
  }
}

/**
 * Where to open the server: BinderHub's `urlpath`, or `labpath`/`filepath` mapped onto the
 * classic notebook's pages (the base image has no JupyterLab, so both open the file via tree/).
 */
export function targetPath(query: Record<string, string | string[] | undefined>): string {
  const first = (name: string) => {
    const value = query[name];
    return (Array.isArray(value) ? value[0] : value)?.replace(/^\/+/, '');
  };
  const urlpath = first('urlpath');
  if (urlpath) return urlpath;
  const file = first('labpath') ?? first('filepath');
  return file ? `tree/${file}` : 'tree';
}

async function streamLaunch(deps: AppDeps, ctx: Context, events: EventStream, provider: string, spec: string): Promise<void> {
  const { policy } = deps.config;
  const repo = parseSpec(provider, spec, deps.config);
  assertSpecAllowed(repo.provider, repo.spec, policy);
  if (policy.perRepoQuota > 0) await deps.manager.assertRepoQuota(repo.displayName, policy.perRepoQuota);
  events.send({ phase: 'waiting', message: `Resolving ${repo.ref} of ${repo.displayName}...\n` });
  const { sha, imageName } = await deps.builder.resolve(repo);
  const job = await deps.builder.jobFor(repo, sha, imageName, () => checkBuildRate(deps, clientIp(ctx)));
  let failedEventSent = false;
  const unsubscribe = job.subscribe((event: BuildEvent) => {
    if (event.phase === 'failed') failedEventSent = true;
    events.send(event);
  });
  try {
    await job.done;
  } catch (error) {
    if (!failedEventSent) throw error;
    return;
  } finally {
    unsubscribe();
  }
  if (ctx.query.build_only === 'true') {
    events.send({ phase: 'ready', message: 'Built the image; not launching a server (build_only).\n', imageName });
    return;
  }
  if (events.closed) return;
  const base = publicBaseUrl(ctx, deps.config);
  events.send({ phase: 'launching', message: 'Launching server...\n' });
  const launched = await deps.manager.launch(clientIp(ctx), {
    image: imageName, labels: { 'org.nblaunch.repo': repo.displayName }, repo: repo.displayName, repoQuota: policy.perRepoQuota,
  });
  await deps.imageUsage.touch(imageName).catch(() => undefined);
  const url = serverUrl(ctx, deps.config, launched.id);
  events.send({
    phase: 'ready',
    message: `server running at ${url}\n`,
    url,
    token: launched.token,
    image: imageName,
    repo_url: repo.repoUrl,
    binder_ref_url: refUrl(repo, sha),
    binder_launch_host: `${base}/`,
    binder_request: `v2/${repo.provider}/${repo.spec}`,
    binder_persistent_request: `v2/${repo.provider}/${specWithRef(repo, sha)}`,
  });
}

/** BinderHub-compatible `/build/<provider>/<spec>` event stream and `/v2/<provider>/<spec>` launch page. */
export function binderRoutes(deps: AppDeps) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (ctx.method !== 'GET') return next();
    const build = buildPath.exec(ctx.path);
    if (build) {
      const events = openEventStream(ctx, deps.binder?.keepaliveMs ?? 25_000);
      streamLaunch(deps, ctx, events, build[1]!, build[2]!)
        .catch((error: unknown) => {
          const launcherError = error instanceof LauncherError ? error : new LauncherError(500, 'internal', 'Something went wrong inside the launcher; it has been logged.');
          if (!(error instanceof LauncherError) || !launcherError.expected) deps.logger.error({ err: error, path: safePath(ctx.url) }, 'build stream failed');
          events.send({ phase: 'failed', message: `${launcherError.message}\n`, reason: launcherError.reason });
        })
        .finally(() => events.end());
      return;
    }
    const launch = launchPath.exec(ctx.path);
    if (launch) {
      const repo = parseSpec(launch[1]!, launch[2]!, deps.config);
      assertSpecAllowed(repo.provider, repo.spec, deps.config.policy);
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-store');
      ctx.body = renderPage('binder', `Launching ${repo.displayName}`, {
        displayName: repo.displayName,
        ref: repo.ref,
        buildUrl: `/build/${repo.provider}/${repo.spec}`,
        targetPath: targetPath(ctx.query),
        repoUrl: repo.repoUrl,
      });
      return;
    }
    return next();
  };
}
