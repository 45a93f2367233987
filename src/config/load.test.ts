import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { listSettings } from './keys.js';
import { ConfigError, loadConfig, redactConfig } from './load.js';
import { settingsAsYaml } from './print.js';
import { configSchema } from './schema.js';

const defaultYamlUrl = new URL('../../config/default.yaml', import.meta.url);
const tempDir = mkdtempSync(join(tmpdir(), 'nblaunch-config-'));
after(() => rmSync(tempDir, { recursive: true, force: true }));

function yamlFile(name: string, text: string): string {
  const file = join(tempDir, name);
  writeFileSync(file, text);
  return file;
}

/** Runs `load`, expecting a ConfigError, and returns its message. */
function configError(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig defaults', () => {
  it('config/default.yaml holds exactly the schema defaults', () => {
    const schemaDefaults = configSchema.parse({});
    assert.deepEqual(parseYaml(readFileSync(defaultYamlUrl, 'utf8')), schemaDefaults);
    assert.deepEqual(loadConfig({ env: {} }), schemaDefaults);
    assert.deepEqual(loadConfig({ env: {}, defaultsFile: join(tempDir, 'absent.yaml') }), schemaDefaults);
  });

  it('config/default.yaml is what print.ts generates from the schema', () => {
    assert.equal(readFileSync(defaultYamlUrl, 'utf8').trimEnd(), settingsAsYaml().trimEnd());
  });

  it('has the documented values', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.port, 8000);
    assert.equal(config.cull.idleTimeoutSeconds, 600);
    assert.equal(config.capacity.maxServers, 20);
    assert.equal(config.capacity.maxServersPerIp, 2);
    assert.equal(config.trustProxy, false);
  });
});

describe('loadConfig overrides', () => {
  it('takes a setting from its NBLAUNCH_ variable, as a number', () => {
    const config = loadConfig({ env: { NBLAUNCH_CULL_IDLE_TIMEOUT_SECONDS: '5' } });
    assert.equal(config.cull.idleTimeoutSeconds, 5);
    assert.equal(config.cull.maxAgeSeconds, 21600, 'siblings keep their defaults');
  });

  it('reads PORT and REDIS_URL, with the NBLAUNCH_ names taking precedence', () => {
    const aliases = loadConfig({ env: { PORT: '9001', REDIS_URL: 'redis://r:6379' } });
    assert.equal(aliases.port, 9001);
    assert.equal(aliases.redisUrl, 'redis://r:6379');
    const both = loadConfig({ env: { PORT: '9001', NBLAUNCH_PORT: '9002' } });
    assert.equal(both.port, 9002);
    const emptyMain = loadConfig({ env: { PORT: '9001', NBLAUNCH_PORT: '', NBLAUNCH_REDIS_URL: '', REDIS_URL: 'redis://r:6379' } });
    assert.equal(emptyMain.port, 9001, 'an empty NBLAUNCH_PORT counts as unset');
    assert.equal(emptyMain.redisUrl, 'redis://r:6379');
  });

  it('reads booleans and ignores empty variables', () => {
    assert.equal(loadConfig({ env: { NBLAUNCH_TRUST_PROXY: 'true' } }).trustProxy, true);
    assert.equal(loadConfig({ env: { NBLAUNCH_PORT: '', NBLAUNCH_IMAGE: '' } }).port, 8000);
  });

  it('applies the NBLAUNCH_CONFIG file over the defaults and the environment over both', () => {
    const file = yamlFile('site.yaml', 'image: site/image:2\ncull:\n  idleTimeoutSeconds: 120\ncapacity:\n  maxServers: 50\n');
    const config = loadConfig({ env: { NBLAUNCH_CONFIG: file, NBLAUNCH_CAPACITY_MAX_SERVERS: '7' } });
    assert.equal(config.image, 'site/image:2');
    assert.equal(config.cull.idleTimeoutSeconds, 120);
    assert.equal(config.cull.intervalSeconds, 30);
    assert.equal(config.capacity.maxServers, 7);
  });

  it('applies overrides between the files and the environment', () => {
    const config = loadConfig({ env: { NBLAUNCH_PORT: '9100' }, overrides: { port: 0, capacity: { maxServers: 3 } } });
    assert.equal(config.port, 9100);
    assert.equal(config.capacity.maxServers, 3);
    assert.equal(config.capacity.maxServersPerIp, 2);
  });
});

describe('loadConfig errors', () => {
  it('names the key and its variable for a bad value', () => {
    const message = configError(() => loadConfig({ env: { NBLAUNCH_CULL_IDLE_TIMEOUT_SECONDS: 'soon' } }));
    assert.match(message, /cull\.idleTimeoutSeconds/);
    assert.match(message, /NBLAUNCH_CULL_IDLE_TIMEOUT_SECONDS/);
  });

  it('names the file a bad value came from, not an environment variable', () => {
    const file = yamlFile('bad-value.yaml', 'cull:\n  idleTimeoutSeconds: soon\n');
    const message = configError(() => loadConfig({ env: { NBLAUNCH_CONFIG: file } }));
    assert.match(message, new RegExp(`cull\\.idleTimeoutSeconds \\(${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(NBLAUNCH_CONFIG\\)\\)`));
    assert.doesNotMatch(message, /env NBLAUNCH_CULL/);
  });

  it('refuses values out of range', () => {
    assert.match(configError(() => loadConfig({ env: { PORT: '70000' } })), /port \(env PORT\)/, 'the variable that was really set');
    assert.match(configError(() => loadConfig({ env: { NBLAUNCH_PORT: '70000' } })), /port \(env NBLAUNCH_PORT\)/);
    assert.match(configError(() => loadConfig({ env: { NBLAUNCH_INSTANCE: 'Not Valid' } })), /instance \(env NBLAUNCH_INSTANCE\): lower-case/);
    assert.match(configError(() => loadConfig({ env: { NBLAUNCH_CAPACITY_MAX_SERVERS: '0' } })), /capacity\.maxServers/);
  });

  it('takes a server origin only as a bare origin, with publicUrl, and another than publicUrl\'s', () => {
    const env = { NBLAUNCH_SERVER_ORIGIN: 'http://servers.localhost:8000', NBLAUNCH_PUBLIC_URL: 'http://localhost:8000' };
    assert.equal(loadConfig({ env }).serverOrigin, 'http://servers.localhost:8000');
    assert.match(configError(() => loadConfig({ env: { NBLAUNCH_SERVER_ORIGIN: env.NBLAUNCH_SERVER_ORIGIN } })), /serverOrigin \(env NBLAUNCH_SERVER_ORIGIN\): needs publicUrl/);
    assert.match(configError(() => loadConfig({ env: { ...env, NBLAUNCH_SERVER_ORIGIN: 'http://localhost:8000/' } })), /serverOrigin .*must differ/);
    for (const bad of ['http://servers.localhost/s/', 'ftp://servers.localhost', 'http://u:p@servers.localhost', 'http://servers.localhost/?x=1']) {
      assert.match(configError(() => loadConfig({ env: { ...env, NBLAUNCH_SERVER_ORIGIN: bad } })), /serverOrigin .*an http\(s\) origin only/, bad);
    }
  });

  it('takes a * only as the whole first label of the server origin\'s host, and not one that would match publicUrl\'s', () => {
    const env = { NBLAUNCH_SERVER_ORIGIN: 'https://*.servers.example.org', NBLAUNCH_PUBLIC_URL: 'https://nb.example.org' };
    assert.equal(loadConfig({ env }).serverOrigin, 'https://*.servers.example.org');
    for (const bad of ['https://a.*.example.org', 'https://*a.servers.example.org', 'https://*.*.example.org', 'https://servers*.example.org']) {
      assert.match(configError(() => loadConfig({ env: { ...env, NBLAUNCH_SERVER_ORIGIN: bad } })), /serverOrigin .*whole first label/, bad);
    }
    assert.match(configError(() => loadConfig({ env: { ...env, NBLAUNCH_SERVER_ORIGIN: 'https://*.example.org' } })), /serverOrigin .*must not match publicUrl's host \(nb\.example\.org\)/);
  });

  it('refuses an unknown NBLAUNCH_ variable by name', () => {
    const message = configError(() => loadConfig({ env: { NBLAUNCH_IDLE_TIMEOUT: '5', NBLAUNCH_CONFIG: '' } }));
    assert.match(message, /NBLAUNCH_IDLE_TIMEOUT/);
    assert.doesNotMatch(message, /NBLAUNCH_CONFIG/);
  });

  it('refuses an unknown key in the NBLAUNCH_CONFIG file by name', () => {
    const top = yamlFile('unknown-top.yaml', 'imgae: typo/image\n');
    assert.match(configError(() => loadConfig({ env: { NBLAUNCH_CONFIG: top } })), /unknown setting imgae/);
    const nested = yamlFile('unknown-nested.yaml', 'cull:\n  idleTimeout: 5\n');
    assert.match(configError(() => loadConfig({ env: { NBLAUNCH_CONFIG: nested } })), /unknown setting cull\.idleTimeout/);
  });

  it('refuses a configuration file that is missing or not a mapping', () => {
    assert.match(configError(() => loadConfig({ env: { NBLAUNCH_CONFIG: join(tempDir, 'absent.yaml') } })), /Cannot read configuration file/);
    const list = yamlFile('list.yaml', '- a\n- b\n');
    assert.match(configError(() => loadConfig({ env: { NBLAUNCH_CONFIG: list } })), /must hold a mapping/);
  });
});

describe('redactConfig', () => {
  it('hides the password in redisUrl and leaves the rest', () => {
    const config = loadConfig({ env: { REDIS_URL: 'redis://launcher:s3cret@redis.internal:6379/0' } });
    const redacted = redactConfig(config);
    assert.equal(redacted.redisUrl, 'redis://launcher:***@redis.internal:6379/0');
    assert.ok(!JSON.stringify(redacted).includes('s3cret'));
    assert.equal(config.redisUrl, 'redis://launcher:s3cret@redis.internal:6379/0', 'the original is untouched');
    assert.equal(redactConfig(loadConfig({ env: { REDIS_URL: 'rediss://:s3cret@r:6380' } })).redisUrl, 'rediss://:***@r:6380');
  });

  it('leaves a URL without a password as it is', () => {
    const config = loadConfig({ env: { REDIS_URL: 'redis://redis.internal:6379' } });
    assert.equal(redactConfig(config).redisUrl, 'redis://redis.internal:6379');
  });
});

describe('listSettings', () => {
  function leaves(value: unknown, prefix: string[] = []): string[] {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix.join('.')];
    return Object.entries(value).flatMap(([key, child]) => leaves(child, [...prefix, key]));
  }

  it('lists every leaf of the configuration, with its default and help', () => {
    const settings = listSettings();
    const defaults = configSchema.parse({});
    assert.deepEqual(settings.map((setting) => setting.key), leaves(defaults));
    for (const setting of settings) {
      const value = setting.path.reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], defaults);
      assert.deepEqual(setting.defaultValue, value, setting.key);
      assert.ok(setting.help.length > 0, `${setting.key} has help text`);
    }
  });

  it('names each setting\'s variable NBLAUNCH_ plus its path in upper snake case', () => {
    const envOf = new Map(listSettings().map((setting) => [setting.key, setting.env]));
    assert.equal(envOf.get('cull.idleTimeoutSeconds'), 'NBLAUNCH_CULL_IDLE_TIMEOUT_SECONDS');
    assert.equal(envOf.get('capacity.maxServersPerIp'), 'NBLAUNCH_CAPACITY_MAX_SERVERS_PER_IP');
    assert.equal(envOf.get('publicUrl'), 'NBLAUNCH_PUBLIC_URL');
    for (const env of envOf.values()) assert.match(env, /^NBLAUNCH_[A-Z0-9_]+$/);
    assert.equal(new Set(envOf.values()).size, envOf.size, 'no two settings share a variable');
  });

  it('names only variables that loadConfig accepts', () => {
    const env = Object.fromEntries(listSettings().map((setting) => [setting.env, '']));
    assert.deepEqual(loadConfig({ env }), configSchema.parse({}));
  });
});

describe('list settings from the environment', () => {
  it('splits a comma-separated host list and refuses a bad entry by name', () => {
    const config = loadConfig({ env: { NBLAUNCH_GIT_ALLOW_HTTP_HOSTS: '127.0.0.1:8080, localhost' } });
    assert.deepEqual(config.git.allowHttpHosts, ['127.0.0.1:8080', 'localhost']);
    assert.throws(() => loadConfig({ env: { NBLAUNCH_GIT_ALLOW_HTTP_HOSTS: 'http://x/y' } }), /git\.allowHttpHosts \(env NBLAUNCH_GIT_ALLOW_HTTP_HOSTS\)/);
  });
});

describe('secrets in the configuration', () => {
  it('never shows the organizer token or a Redis password in the redacted copy', () => {
    const config = loadConfig({ env: { NBLAUNCH_ORGANIZER_TOKEN: 'super-secret-token-0123456789', REDIS_URL: 'redis://user:pw@127.0.0.1:6379/0' } });
    const shown = JSON.stringify(redactConfig(config));
    assert.ok(!shown.includes('super-secret-token-0123456789'));
    assert.ok(!shown.includes(':pw@'));
    assert.equal(config.auth.organizerToken, 'super-secret-token-0123456789');
  });

  it('refuses a configured organizer token shorter than 24 characters, naming the setting', () => {
    assert.throws(() => loadConfig({ env: { NBLAUNCH_ORGANIZER_TOKEN: 'admin' } }), /auth\.organizerToken \(env NBLAUNCH_ORGANIZER_TOKEN\): at least 24 characters/);
    assert.throws(() => loadConfig({ env: { NBLAUNCH_AUTH_ORGANIZER_TOKEN: 'admin' } }), /auth\.organizerToken \(env NBLAUNCH_AUTH_ORGANIZER_TOKEN\): at least 24 characters/);
  });
});
