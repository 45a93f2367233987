import { LauncherError } from '../errors/launcher-error.js';

export interface BuildContextSettings {
  baseImage: string;
  /** PIP_INDEX_URL for pip steps (an ARG, never kept in the image); '' for pip's default. */
  pipIndexUrl: string;
  /** Debian mirror for the apt.txt step only; '' for the base image's own sources. */
  aptMirror: string;
}

/** Values written into Dockerfiles: an http(s) URL with nothing a shell or the Dockerfile parser would read. */
const safeUrl = /^https?:\/\/[A-Za-z0-9._~:/?#[\]@!&()*+,;=%-]+$/;
const safeImage = /^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/;

export function checkBuildSettings(settings: BuildContextSettings): void {
  if (!safeImage.test(settings.baseImage)) throw badSetting('baseImage', settings.baseImage, 'an image reference');
  for (const key of ['pipIndexUrl', 'aptMirror'] as const) {
    const value = settings[key];
    if (value !== '' && (!safeUrl.test(value) || !URL.canParse(value))) throw badSetting(`build.${key}`, value, 'an http(s) URL');
  }
}

function badSetting(key: string, value: string, expected: string): LauncherError {
  return new LauncherError(500, 'bad-build-settings', `The setting ${key} (${JSON.stringify(value)}) is not ${expected} that can go into a Dockerfile; the operator must fix the configuration.`, { details: { key } });
}

const loopbackHosts = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** pip refuses plain-http indexes unless trusted; loopback ones it trusts already. */
export function pipTrustedHost(indexUrl: string): string | null {
  if (indexUrl === '') return null;
  const url = new URL(indexUrl);
  return url.protocol === 'http:' && !loopbackHosts.test(url.hostname) ? url.host : null;
}
