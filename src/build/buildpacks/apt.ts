import type { BuildContextSettings } from '../build-settings.js';
import { type Buildpack, type ConfigFiles, meaningfulLines } from './buildpack.js';
import { invalidFile } from './refusal.js';

/** Debian Policy 5.6.1: lower case letters, digits, + - . ; at least two characters, starting alphanumeric. */
const debianPackageName = /^[a-z0-9][a-z0-9+.-]+$/;

/** apt.txt's package names; several on a line are accepted (repo2docker passes lines to apt-get as they are). */
export async function readAptPackages(config: ConfigFiles): Promise<string[]> {
  const packages: string[] = [];
  for (const { line, number } of meaningfulLines(await config.read('apt.txt'))) {
    for (const name of line.split(/\s+/)) {
      if (!debianPackageName.test(name)) {
        throw invalidFile(
          config.path('apt.txt'), 'invalid-apt-txt',
          `"${line.slice(0, 80)}" is not a Debian package name (lower-case letters, digits, "+", "-" and "."; one name a line; comments start with #).`,
          number,
        );
      }
      if (!packages.includes(name)) packages.push(name);
    }
  }
  return packages;
}

/** apt.txt: Debian packages, installed as root before any repo file is copied. */
export const aptBuildpack: Buildpack = {
  name: 'apt',
  async detect(config) {
    if (!config.has('apt.txt')) return null;
    const packages = await readAptPackages(config);
    if (packages.length === 0) return null;
    return [`apt.txt: apt-get install ${packages.join(' ')}`];
  },
  async render(config, settings) {
    return { root: [aptInstall(await readAptPackages(config), settings)] };
  },
};

const aptList = '/tmp/nblaunch-apt.list';

/**
 * One RUN, so the package lists never stay in the image. With a mirror, apt reads a temporary
 * sources list for this step only (the image keeps its own sources).
 */
function aptInstall(packages: string[], settings: BuildContextSettings): string {
  const names = packages.join(' ');
  const cleanup = 'apt-get clean \\\n && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin';
  if (settings.aptMirror === '') {
    return `RUN apt-get update \\\n && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${names} \\\n && ${cleanup}`;
  }
  const options = `-o Dir::Etc::SourceList=${aptList} -o Dir::Etc::SourceParts=-`;
  return [
    `RUN echo "deb ${settings.aptMirror} $(. /etc/os-release && echo "$VERSION_CODENAME") main" > ${aptList}`,
    ` && apt-get ${options} update`,
    ` && DEBIAN_FRONTEND=noninteractive apt-get ${options} install -y --no-install-recommends ${names}`,
    ` && ${cleanup} ${aptList}`,
  ].join(' \\\n');
}
