import { createHash } from 'node:crypto';

const maxSlugLength = 60;

/**
 * `<provider>-<readable name>-<6 hex>`: [a-z0-9-], at most 60 characters. The hash of the clone
 * URL keeps two repos apart whose readable names collapse to the same text; hosted services
 * ignore case in paths, so their URLs are hashed in lower case.
 */
export function repoSlug(provider: string, readableName: string, cloneUrl: string, caseInsensitive: boolean): string {
  const hash = createHash('sha256').update(caseInsensitive ? cloneUrl.toLowerCase() : cloneUrl).digest('hex').slice(0, 6);
  const room = maxSlugLength - provider.length - hash.length - 2;
  const name = readableName.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, room).replace(/^-+|-+$/g, '');
  return name === '' ? `${provider}-${hash}` : `${provider}-${name}-${hash}`;
}
