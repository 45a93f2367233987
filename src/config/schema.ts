import { z } from 'zod';

const seconds = (min = 1) => z.coerce.number().int().min(min);

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
    .describe('Public base URL (e.g. https://nb.example.org). Empty: taken from each request\'s Host header.'),
  redisUrl: z.string().default('')
    .describe('Redis URL (redis://, rediss:// or unix path). Empty: start a private redis-server under dataDir. Also read from REDIS_URL.'),
  dataDir: z.string().min(1).default('.data')
    .describe('Directory for the launcher\'s own state (the private Redis data and socket).'),
  instance: z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'lower-case letters, digits and dashes, at most 31').default('default')
    .describe('Name of this launcher on the Docker engine; every container it makes is labelled with it.'),
  image: z.string().min(1).default('nblaunch/base:latest')
    .describe('Docker image of the notebook server handed out from the home page.'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
    .describe('Log level.'),
  trustProxy: z.stringbool().or(z.boolean()).default(false)
    .describe('Trust X-Forwarded-For/-Proto from a reverse proxy in front of the launcher.'),
  server: z.strictObject({
    memoryMb: z.coerce.number().int().min(64).default(1024)
      .describe('Memory limit of each notebook server, in MiB.'),
    cpus: z.coerce.number().positive().max(64).default(1)
      .describe('CPU limit of each notebook server, in cores.'),
    pids: z.coerce.number().int().min(16).default(512)
      .describe('Maximum number of processes in each notebook server.'),
    startTimeoutSeconds: seconds().default(60)
      .describe('How long a new server may take to answer before the launch fails.'),
  }).prefault({}),
  cull: z.strictObject({
    idleTimeoutSeconds: seconds().default(600)
      .describe('A server with no activity for this long is removed.'),
    maxAgeSeconds: seconds().default(21600)
      .describe('A server is removed this long after it started, active or not.'),
    intervalSeconds: seconds().default(30)
      .describe('How often the culler looks for idle and old servers.'),
  }).prefault({}),
  capacity: z.strictObject({
    maxServers: z.coerce.number().int().min(1).default(20)
      .describe('Most notebook servers running at once.'),
    maxServersPerIp: z.coerce.number().int().min(1).default(2)
      .describe('Most notebook servers one client address may hold at once.'),
  }).prefault({}),
  reconcile: z.strictObject({
    intervalSeconds: seconds().default(60)
      .describe('How often Docker and Redis are compared and orphans removed.'),
  }).prefault({}),
}).describe('nblaunch configuration');

export type Config = z.infer<typeof configSchema>;
