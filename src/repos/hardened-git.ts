import { fileURLToPath } from 'node:url';
import { simpleGit, type SimpleGit } from 'simple-git';

const sizeLimitedGit = fileURLToPath(new URL('./git-size-limited.sh', import.meta.url));

/** What every git call gets, whoever asked for it. */
const hardeningEnv = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_ASKPASS: '/bin/false',
  GIT_CONFIG_NOSYSTEM: '1',
} as const;

// Passed through so that git works behind a proxy or with a custom CA bundle; nothing else
// from the launcher's environment reaches git.
const passThroughEnv = ['PATH', 'HOME', 'http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

export interface HardenedGitOptions {
  baseDir: string;
  /** The remote this git talks to: decides whether plain http is let through. */
  remoteUrl: string;
  /** Kills git when it has printed nothing for this long. */
  inactivityTimeoutMs: number;
  /** Kills git when aborted (the caller's overall deadline). */
  signal: AbortSignal;
  /** curl's `host:port:addresses` entries: the addresses the egress check approved, so DNS cannot answer otherwise later. */
  pins?: readonly string[];
  /** No file git writes may grow past this (RLIMIT_FSIZE): with unpackLimit=1 the whole download is one pack file. */
  maxFileBytes?: number;
}

export function hardenedGit(options: HardenedGitOptions): SimpleGit {
  const isHttp = new URL(options.remoteUrl).protocol === 'http:';
  // curl gives up on a connection that moves less than 1 byte/s for this long, so that a
  // git-remote-http child left behind by a killed git does not wait on a silent server forever.
  const lowSpeedSeconds = Math.max(1, Math.ceil(options.inactivityTimeoutMs / 1000));
  const config = [
    'protocol.allow=never',
    'protocol.https.allow=always',
    ...(isHttp ? ['protocol.http.allow=always'] : []),
    'core.hooksPath=/dev/null',
    'http.lowSpeedLimit=1',
    `http.lowSpeedTime=${lowSpeedSeconds}`,
    'advice.detachedHead=false',
    // A redirect would lead curl to a host nobody checked (the egress policy sees only the first).
    'http.followRedirects=false',
    ...(options.pins ?? []).map((pin) => `http.curloptResolve=${pin}`),
    // Every object fetched lands in one pack file (never loose files), so the file size limit is the download's.
    'fetch.unpackLimit=1',
    'transfer.unpackLimit=1',
  ];
  const env: Record<string, string> = { LC_ALL: 'C', ...hardeningEnv };
  for (const key of passThroughEnv) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  if (options.maxFileBytes !== undefined) env.NBLAUNCH_GIT_MAX_FILE_BYTES = String(options.maxFileBytes);
  return simpleGit({
    baseDir: options.baseDir,
    ...(options.maxFileBytes !== undefined ? { binary: sizeLimitedGit } : {}),
    config,
    abort: options.signal,
    timeout: { block: options.inactivityTimeoutMs },
    allowEnvironment: Object.keys(hardeningEnv),
    // simple-git's guards stay on for everything else (upload-pack, ext transports, config
    // paths, ...). These four are needed only for the hardening values above and our own
    // wrapper script as the binary (its install path may hold any character), which are
    // ours: user input reaches git only as a checked URL or ref after `--`.
    unsafe: { allowUnsafeProtocolOverride: true, allowUnsafeHooksPath: true, allowUnsafeAskPass: true, allowUnsafeCustomBinary: true },
  }).env(env);
}
