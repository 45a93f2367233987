import { z } from 'zod';
import { servesHost } from './server-origin.js';
import { parseAllowEntry } from '../network/allow-entry.js';

const seconds = (min = 1) => z.coerce.number().int().min(min);

const patternList = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((pattern) => pattern.trim()).filter(Boolean) : value),
  z.array(z.string().refine((pattern) => {
    try {
      new RegExp(pattern);
      return true;
    } catch {
      return false;
    }
  }, 'a valid regular expression')),
);

const poolList = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((entry) => entry.trim()).filter(Boolean) : value),
  z.array(z.string().regex(/^(gh|gl|git|gist)\/\S+=\d+$/, '"<provider>/<spec>=<size>"')),
);

const hostList = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((host) => host.trim()).filter(Boolean) : value),
  z.array(z.string().regex(/^[A-Za-z0-9.[\]:-]+$/, 'host or host:port')),
);

const allowList = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((entry) => entry.trim()).filter(Boolean) : value),
  z.array(z.string().refine((entry) => parseAllowEntry(entry) !== undefined, '"a.b.c.d", "a.b.c.d/len" or either with ":port"')),
);

/** `scheme://host[:port]` and nothing else (a trailing slash is allowed). */
function isBareOrigin(value: string): boolean {
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
}

/** A `*` may only stand for the whole first label of the host (`https://*.servers.example.org`). */
function wildcardOnlyFirst(value: string): boolean {
  const host = new URL(value).hostname;
  return !host.includes('*') || (host.startsWith('*.') && !host.slice(2).includes('*') && host.length > 2);
}

/**
 * The one description of every setting: type, default and help text.
 * Environment variable names are derived from the key path (see env.ts).
 */
export const configSchema = z.strictObject({
  port: z.coerce.number().int().min(0).max(65535).default(8000)
    .describe('TCP port the launcher listens on (0 picks a free port). Also read from PORT.'),
  host: z.string().min(1).default('0.0.0.0')
    .describe('Address the launcher binds to.'),
  publicUrl: z.union([z.literal(''), z.url()]).default('')
    .describe('Public base URL (e.g. https://nb.example.org): every link the launcher writes starts with it. Beyond loopback it needs serverOrigin (or allowServersOnLauncherOrigin). Empty: the launcher serves this machine only, at http://localhost:<port>, with each server at http://<id>.localhost:<port>.'),
  serverOrigin: z.union([z.literal(''), z.url()
    .refine(isBareOrigin, 'an http(s) origin only, like http://servers.example.org (no path, query or user)')
    .refine(wildcardOnlyFirst, 'a * may only be the whole first label of the host, like https://*.servers.example.org')]).default('')
    .describe('Separate origin notebook servers are served from (e.g. https://servers.example.org), so code in a server cannot use the launcher\'s pages and API with a visitor\'s sign-in. With a * as the first label (https://*.servers.example.org, a wildcard DNS name and certificate), every server gets an origin of its own (<id>.servers.example.org), so code in one server cannot reach another either. Its host names must reach this launcher too; requests are told apart by their Host header. Needs publicUrl. Empty: with publicUrl on loopback or unset, http://*.localhost:<port>; beyond loopback, the launcher does not start (see allowServersOnLauncherOrigin).'),
  allowServersOnLauncherOrigin: z.stringbool().or(z.boolean()).default(false)
    .describe('Serve notebook servers at /s/<id>/ on the launcher\'s own origin when serverOrigin is not set. RISK: JavaScript in any server (a repo\'s .jupyter/custom/custom.js, a notebook\'s output) then runs on the launcher\'s origin and can use its API and organizer pages as any organizer or attendee who opens that server (create organizer tokens, read every workshop). Only for a launcher used by one trusted person. False: servers get an origin each (serverOrigin, or without it <id>.localhost, which browsers send to this machine), and a publicUrl beyond loopback without serverOrigin stops the launcher at start-up.'),
  redisUrl: z.string().default('')
    .describe('Redis URL (redis://, rediss:// or unix path). Empty: start a private redis-server under dataDir. Also read from REDIS_URL.'),
  dataDir: z.string().min(1).default('.data')
    .describe('Directory for the launcher\'s own state (the private Redis data and socket).'),
  runAsUser: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'a user name').default('nblaunch')
    .describe('Account the launcher runs as when started as root: setup creates it (a system user in the docker group) and gives it dataDir, and the launcher switches to it before it opens anything. root keeps root (not recommended: a file-write bug is then a root file-write bug).'),
  instance: z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'lower-case letters, digits and dashes, at most 31').default('default')
    .describe('Name of this launcher on the Docker engine; every container it makes is labelled with it.'),
  image: z.string().min(1).default('nblaunch/base:latest')
    .describe('Docker image of the notebook server handed out from the home page.'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
    .describe('Log level.'),
  trustProxy: z.stringbool().or(z.boolean()).default(false)
    .describe('Trust X-Forwarded-For/-Proto from a reverse proxy in front of the launcher.'),
  http: z.strictObject({
    maxConnections: z.coerce.number().int().min(0).default(0)
      .describe('Most client connections open at once; more are closed as they arrive. 0: from the open-files limit (ulimit -n), half of it after 256 kept for the rest, since each proxied connection also holds one to its server.'),
    maxConnectionsPerAddress: z.coerce.number().int().min(0).default(1500)
      .describe('Most connections one client address (an IPv6 /64) may hold open; more are closed as they arrive. Enough for a room of 100 behind one NAT address. Behind a reverse proxy every connection comes from the proxy: raise it, or 0 (no limit) and limit clients in the proxy.'),
    headersTimeoutSeconds: seconds().default(20)
      .describe('A connection must send a whole request head within this, or it is closed (a connection that sends nothing too).'),
    requestTimeoutSeconds: seconds().default(300)
      .describe('Longest a client may take to send a whole request (head and body).'),
    keepAliveTimeoutSeconds: seconds().default(5)
      .describe('An idle kept-alive connection is closed after this.'),
  }).prefault({}),
  server: z.strictObject({
    memoryMb: z.coerce.number().int().min(64).default(1024)
      .describe('Memory limit of each notebook server, in MiB.'),
    cpus: z.coerce.number().positive().max(64).default(1)
      .describe('CPU limit of each notebook server, in cores.'),
    pids: z.coerce.number().int().min(16).default(512)
      .describe('Maximum number of processes in each notebook server.'),
    diskMb: z.coerce.number().int().min(0).default(2048)
      .describe('Most a notebook server may write to its own disk, in MiB, and most a workshop attendee\'s home volume may hold: no one file may be larger; a server past it is ended (an attendee\'s is stopped, files kept; reopened, it runs for server.homeGraceSeconds so they can delete files, and stops at once past twice the limit). 0: no limit.'),
    diskCheckSeconds: z.coerce.number().positive().default(10)
      .describe('How often servers\' disk use is measured.'),
    homeCheckSeconds: z.coerce.number().positive().default(60)
      .describe('How often the home volumes of running attendees\' servers are measured (one helper container measures them all).'),
    homeGraceSeconds: z.coerce.number().int().min(0).default(600)
      .describe('How long an attendee\'s server stopped for its home\'s size runs when reopened, so they can delete files, before it is stopped again.'),
    startTimeoutSeconds: seconds().default(60)
      .describe('How long a new server may take to answer before the launch fails.'),
    maxConcurrentStarts: z.coerce.number().int().min(1).default(8)
      .describe('Servers started at once (cold launches and pool refills); more wait in a queue and are told their position.'),
  }).prefault({}),
  cull: z.strictObject({
    idleTimeoutSeconds: seconds().default(600)
      .describe('A server with no activity for this long is removed (a workshop attendee\'s server is stopped instead, its files kept).'),
    maxAgeSeconds: seconds().default(21600)
      .describe('A server is removed this long after it started, active or not (not a workshop attendee\'s server: the workshop\'s end stops those).'),
    intervalSeconds: seconds().default(30)
      .describe('How often the culler looks for idle and old servers.'),
  }).prefault({}),
  capacity: z.strictObject({
    maxServers: z.coerce.number().int().min(1).default(20)
      .describe('Most notebook servers running at once (stopped workshop servers do not count).'),
    maxServersPerIp: z.coerce.number().int().min(1).default(2)
      .describe('Most notebook servers one client address may hold at once.'),
  }).prefault({}),
  git: z.strictObject({
    allowHttpHosts: hostList.default([])
      .describe('Hosts (host or host:port) whose repos may be cloned over plain http, e.g. a loopback test server. Comma-separated in the environment.'),
    allowPrivateHosts: hostList.default([])
      .describe('Hosts (host or host:port) that may resolve to loopback, private or link-local addresses, e.g. an internal GitLab. Any other repo host must resolve to public addresses only (hosts in allowHttpHosts are allowed too). Comma-separated in the environment.'),
    cloneTimeoutSeconds: seconds().default(120)
      .describe('Longest a ref lookup or clone may take.'),
    maxCloneMb: z.coerce.number().int().min(1).default(500)
      .describe('Largest checkout a build accepts, in MiB.'),
    checkoutDir: z.string().default('')
      .describe('Where repos are checked out for builds (removed after each build). Empty: the system temp directory.'),
    refCacheSeconds: seconds(0).default(60)
      .describe('How long a resolved ref (branch or tag to commit) is reused before asking the remote again.'),
  }).prefault({}),
  repos: z.strictObject({
    githubUrl: z.url().default('https://github.com')
      .describe('Where gh specs are cloned from (a GitHub Enterprise address, or a test server).'),
    gitlabUrl: z.url().default('https://gitlab.com')
      .describe('Where gl specs are cloned from.'),
    gistUrl: z.url().default('https://gist.github.com')
      .describe('Where gist specs are cloned from.'),
  }).prefault({}),
  build: z.strictObject({
    imagePrefix: z.string().regex(/^[a-z0-9][a-z0-9._/-]*$/, 'a Docker repository name prefix').default('nblaunch-build/')
      .describe('Prefix of the names of images built from repos.'),
    timeoutSeconds: seconds().default(1800)
      .describe('Longest a single image build may take.'),
    memoryMb: z.coerce.number().int().min(128).default(4096)
      .describe('Memory limit of each build step, in MiB.'),
    maxConcurrent: z.coerce.number().int().min(1).default(2)
      .describe('Builds running at once; more wait in a queue and are told their position.'),
    cpus: z.coerce.number().min(0).max(64).default(1)
      .describe('CPU limit of each build, in cores, for all its steps together (0: none).'),
    pids: z.coerce.number().int().min(0).default(1024)
      .describe('Most processes one build may run at once, all its steps together: a fork bomb in a postBuild stops there (0: none). Enforced by a cgroup per build slot, which the launcher makes when it runs as root, or setup makes for it; without it, builds are refused (503) rather than run unlimited.'),
    maxDiskMb: z.coerce.number().int().min(0).default(4096)
      .describe('Most a build may write, in MiB: any one file, each step while it runs, and the layers it adds to the image. Over it, the build is stopped (507) and nothing is kept (0: none).'),
    diskCheckSeconds: z.coerce.number().positive().default(2)
      .describe('How often a running build\'s disk use is measured.'),
    network: z.enum(['sandbox', 'host']).default('sandbox')
      .describe('Network of build steps. sandbox: the notebook network (internet only, no host, private addresses or other containers; network.allow makes exceptions). host: the build machine\'s own network, reaching everything the host reaches, its loopback services and the cloud metadata address included: only for an operator who trusts every repo it builds.'),
    pipIndexUrl: z.string().default('')
      .describe('PIP_INDEX_URL passed to builds (a mirror or a private index). Empty: pip\'s default.'),
    aptMirror: z.string().default('')
      .describe('Debian mirror URL used by apt.txt installs in builds. Empty: the base image\'s own.'),
  }).prefault({}),
  network: z.strictObject({
    allow: allowList.default([])
      .describe('Exceptions to the notebook network\'s firewall, for internal package mirrors: IPv4 addresses or blocks, each with an optional TCP port ("10.1.2.3:3141", "192.168.0.0/24"). Notebooks and builds may open connections to them, host addresses included. Comma-separated in the environment. Run the setup as root after changing it.'),
  }).prefault({}),
  policy: z.strictObject({
    bannedSpecs: patternList.default([])
      .describe('Regular expressions matched against "<provider>/<spec>" (e.g. "^gh/evil-org/.*"); a match is refused with 403. Comma-separated in the environment.'),
    allowedSpecs: patternList.default([])
      .describe('When not empty, only specs matching one of these regular expressions may be launched.'),
    perRepoQuota: z.coerce.number().int().min(0).default(0)
      .describe('Most servers of one repo running at once (0: no limit beyond maxServers).'),
    buildsPerIpPerHour: z.coerce.number().int().min(0).default(30)
      .describe('Most new image builds one client address may start per hour (0: no limit). Cached images do not count.'),
  }).prefault({}),
  pool: z.strictObject({
    size: z.coerce.number().int().min(0).default(0)
      .describe('Ready servers of the default image kept waiting, so a launch from the home page takes milliseconds. They count against capacity.maxServers.'),
    repos: poolList.default([])
      .describe('Warm pools for repo links: "<provider>/<spec>=<size>" entries, e.g. "gh/owner/repo/main=5". The image follows the ref; when it changes the old pool drains. Comma-separated in the environment.'),
    maxIdleSeconds: seconds().default(3600)
      .describe('A pooled server nobody took for this long is replaced by a fresh one.'),
    refreshSeconds: seconds().default(15)
      .describe('How often pools are checked: refilled, recycled, and re-resolved for repo pools.'),
  }).prefault({}),
  auth: z.strictObject({
    organizerToken: z.string().refine((token) => token === '' || token.length >= 24, 'at least 24 characters (make one with: openssl rand -base64 32)').default('')
      .describe('An organizer token to create at start-up (for automated deployments; stored hashed, never logged). Empty: the first start prints a new one once.'),
    secretKeyFile: z.string().default('')
      .describe('File holding the key (32 random bytes, base64) that seals notebook servers\' Jupyter tokens before they are stored in Redis, so Redis\'s data files hold no usable token. Made with mode 0600 on first start when missing. Launchers sharing a Redis must share this file. Empty: secret.key in dataDir.'),
    secureCookies: z.stringbool().or(z.boolean()).default(false)
      .describe('Mark sign-in cookies Secure (set this when the launcher is served over https).'),
    signInAttemptsPerMinute: z.coerce.number().int().min(1).default(10)
      .describe('Sign-in attempts one client address may make per minute.'),
    sessionHours: z.coerce.number().positive().default(12)
      .describe('How long an organizer or attendee stays signed in.'),
  }).prefault({}),
  workshops: z.strictObject({
    warmupMinutes: z.coerce.number().int().min(0).max(1440).default(30)
      .describe('How long before a workshop\'s start time its image is built and its servers are warmed (started for registered attendees, or pooled while the link is anonymous).'),
    warmServers: z.coerce.number().int().min(0).max(1000).default(30)
      .describe('Servers a new workshop warms by default (organizers can change it per workshop). Never more than the free capacity.'),
    exportTimeoutSeconds: seconds().default(1800)
      .describe('Longest an export of attendees\' files (a tar.gz download) may take; then it is stopped and the download fails rather than ending incomplete.'),
  }).prefault({}),
  reconcile: z.strictObject({
    intervalSeconds: seconds().default(60)
      .describe('How often Docker and Redis are compared and orphans removed.'),
  }).prefault({}),
}).superRefine((config, ctx) => {
  if (!config.serverOrigin) return;
  if (!config.publicUrl) {
    ctx.addIssue({ code: 'custom', path: ['serverOrigin'], message: 'needs publicUrl too: pages on the server origin link back to the launcher\'s own address' });
  } else if (new URL(config.serverOrigin).origin === new URL(config.publicUrl).origin) {
    ctx.addIssue({ code: 'custom', path: ['serverOrigin'], message: 'must differ from publicUrl\'s origin (another host name, e.g. servers.example.org)' });
  } else if (servesHost(config.serverOrigin, new URL(config.publicUrl).host)) {
    ctx.addIssue({ code: 'custom', path: ['serverOrigin'], message: `must not match publicUrl's host (${new URL(config.publicUrl).host}): that host would be taken for a server's` });
  }
}).describe('nblaunch configuration');

export type Config = z.infer<typeof configSchema>;
