import type { Readable } from 'node:stream';
import type { Context } from 'koa';

/** Streams a tar.gz as a download; a helper that fails halfway cuts the download short rather than sending a broken whole. */
export function sendArchive(ctx: Context, filename: string, archive: Readable): void {
  ctx.type = 'application/gzip';
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Content-Disposition', `attachment; filename="${filename}"`);
  ctx.body = archive;
}
